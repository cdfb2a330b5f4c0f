package dev.lancast.bridge.discovery;

import dev.lancast.rtc.counters.CounterDescriptor;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.discovery.GatewayInfo;
import dev.lancast.rtc.discovery.Mdns;
import dev.lancast.rtc.limits.LogThrottle;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateways the bridge knows of: seen on its link via mDNS, or registered over the API with a
 * gateway token and kept alive by heartbeats. Only gateways that authenticated (a heartbeat with a
 * valid token) get viewers from the portal: anybody on the LAN can advertise an mDNS record. So a
 * registered gateway is changed, kept alive and removed only by what authenticates: its heartbeats
 * and its DELETE. An mDNS record or goodbye of the same name changes nothing of it (it used to keep
 * a crashed gateway alive, rewrite its load, or remove a live one). Entries known only from mDNS
 * are shown, never get viewers, leave on their mDNS goodbye, and are at most
 * {@link #MAX_MDNS_ONLY}. Any entry leaves when nothing that may refresh it was heard for
 * {@link #EXPIRY_MILLIS}.
 */
public final class GatewayRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayRegistry.class);
    /** Lines about entries that only mDNS (anyone on the link) vouches for. */
    private final LogThrottle mdnsLog = new LogThrottle(LOG, Duration.ofMinutes(1), 20, System::nanoTime);
    /** Three missed heartbeats (they come every 2 s): a crashed gateway leaves within 7 s. */
    public static final long EXPIRY_MILLIS = 6_000;
    /**
     * A gateway whose heartbeat is this late gets no new viewers, though it stays listed until
     * {@link #EXPIRY_MILLIS}: one beat (2 s) plus 1 s for a busy host or a slow bridge. A gateway
     * cannot tell of its own death; "at once" is therefore 1 s after the beat it missed, i.e. 1 to 3 s
     * after a crash, and immediately on a goodbye or a drain (capacity 0 in its heartbeat).
     */
    public static final long ROTATION_MILLIS = 3_000;
    /** Entries known only from mDNS records: more are ignored (counted), so fake records cannot grow the table. */
    public static final int MAX_MDNS_ONLY = 256;

    public static final CounterDescriptor GATEWAYS =
            CounterDescriptor.gauge("lancast_bridge_gateways", "gateways in the registry (mDNS or heartbeats)");
    public static final CounterDescriptor MDNS_IGNORED = CounterDescriptor.counter(
            "lancast_bridge_gateways_mdns_ignored",
            "mDNS gateway records ignored because " + MAX_MDNS_ONLY
                    + " gateways known only from mDNS were in the registry");

    public enum FoundBy {
        MDNS("mdns"),
        REGISTRATION("registration");

        private final String label;

        FoundBy(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One gateway: what it last said, how the bridge knows of it (mdns once its record was seen on
     * the bridge's link, else registration), when it was last heard.
     */
    public record Entry(GatewayInfo info, FoundBy foundBy, long lastSeenMillis, boolean authenticated) {
        /** Whether the portal may send new viewers here: authenticated, heard of lately, not draining. */
        public boolean inRotation(long nowMillis) {
            return authenticated && !info.draining() && nowMillis - lastSeenMillis <= ROTATION_MILLIS;
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /**
     * Viewers the portal sent to each gateway since its last heartbeat: the heartbeat's count does
     * not have them yet, and without them a burst of viewers would all go to the gateway that was
     * least loaded at its last beat.
     */
    private final Map<String, AtomicInteger> sentSinceBeat = new ConcurrentHashMap<>();

    private final LongSupplier clock;
    /** Counted by the mDNS thread and read by others: a striped counter, not a single-writer one. */
    private final LongAdder mdnsIgnored = new LongAdder();

    public GatewayRegistry(LongSupplier clock) {
        this.clock = clock;
    }

    /** A heartbeat that carried a valid gateway token. */
    public void heartbeat(GatewayInfo info) {
        long now = clock.getAsLong();
        entries.compute(info.name(), (name, before) -> {
            if (before == null || !before.authenticated()) {
                LOG.info("gateway {} registered: subnet {}, {}", name, info.subnet(), info.url());
            }
            return new Entry(info, before == null ? FoundBy.REGISTRATION : before.foundBy(), now, true);
        });
        sentSinceBeat.remove(info.name());
    }

    /** The portal sent a viewer to {@code name}; counted until its next heartbeat. */
    public void sent(String name) {
        sentSinceBeat.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
    }

    /** Viewers sent to {@code name} since its last heartbeat. */
    public int sentSinceBeat(String name) {
        AtomicInteger n = sentSinceBeat.get(name);
        return n == null ? 0 : n.get();
    }

    /** The registry's clock, for {@link Entry#inRotation}. */
    public long nowMillis() {
        return clock.getAsLong();
    }

    /**
     * An mDNS record on the bridge's link: unauthenticated, so it never touches a registered
     * gateway (not its subnet, URL or load, nor how long it lives); it only notes that the record
     * is there. A new name is taken while fewer than {@link #MAX_MDNS_ONLY} such entries exist.
     */
    public void seenByMdns(GatewayInfo info) {
        long now = clock.getAsLong();
        if (!entries.containsKey(info.name()) && mdnsOnlyCount() >= MAX_MDNS_ONLY) {
            mdnsIgnored.increment();
            return;
        }
        entries.compute(info.name(), (name, before) -> {
            if (before == null) {
                // Anyone on the link can announce gateways: 20 lines a minute at most for these.
                mdnsLog.info(
                        "gateway {} seen via mDNS: subnet {}, {}", name, info.subnet(), Mdns.printable(info.url()));
                return new Entry(info, FoundBy.MDNS, now, false);
            }
            if (before.authenticated()) {
                return new Entry(before.info(), FoundBy.MDNS, before.lastSeenMillis(), true);
            }
            return new Entry(info, FoundBy.MDNS, now, false);
        });
    }

    private long mdnsOnlyCount() {
        return entries.values().stream().filter(e -> !e.authenticated()).count();
    }

    /** Puts the registry's size and its ignored mDNS records in a process's table. */
    public void registerIn(CounterTable table) {
        table.register(GATEWAYS, () -> list().size());
        table.register(MDNS_IGNORED, this::mdnsIgnored);
    }

    /** mDNS records not taken because {@link #MAX_MDNS_ONLY} mDNS-only entries existed. */
    public long mdnsIgnored() {
        return mdnsIgnored.sum();
    }

    /** An authenticated goodbye: DELETE /api/gateways/{name} with a gateway token or certificate. */
    public void left(String name, String how) {
        sentSinceBeat.remove(name);
        if (entries.remove(name) != null) {
            LOG.info("gateway {} left ({})", name, how);
        }
    }

    /** An mDNS goodbye (the record withdrawn): removes an entry known only from mDNS, never a registered one. */
    public void leftByMdns(String name) {
        boolean[] removed = new boolean[1];
        entries.computeIfPresent(name, (n, e) -> {
            removed[0] = !e.authenticated();
            return removed[0] ? null : e;
        });
        if (removed[0]) {
            mdnsLog.info("gateway {} left (mDNS goodbye)", name);
        }
    }

    /** Drops the gateways not heard of for {@link #EXPIRY_MILLIS}. */
    public void expire() {
        long now = clock.getAsLong();
        entries.values().removeIf(e -> {
            boolean stale = now - e.lastSeenMillis() > EXPIRY_MILLIS;
            if (stale) {
                sentSinceBeat.remove(e.info().name());
            }
            if (stale && e.authenticated()) {
                LOG.warn("gateway {} not heard of for {} ms: removed", e.info().name(), now - e.lastSeenMillis());
            } else if (stale) {
                mdnsLog.info(
                        "gateway {} (mDNS only) not heard of for {} ms: removed",
                        e.info().name(),
                        now - e.lastSeenMillis());
            }
            return stale;
        });
    }

    /** The live entries, by name. */
    public List<Entry> list() {
        long now = clock.getAsLong();
        return entries.values().stream()
                .filter(e -> now - e.lastSeenMillis() <= EXPIRY_MILLIS)
                .sorted(Comparator.comparing(e -> e.info().name()))
                .toList();
    }
}
