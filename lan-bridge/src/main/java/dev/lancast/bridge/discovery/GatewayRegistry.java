package dev.lancast.bridge.discovery;

import dev.lancast.rtc.discovery.GatewayInfo;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateways the bridge knows of: seen on its link via mDNS, or registered over the API with a
 * gateway token and kept alive by heartbeats. Only gateways that authenticated (a heartbeat with a
 * valid token) get viewers from the portal: anybody on the LAN can advertise an mDNS record. An
 * entry leaves on a goodbye (mDNS or DELETE) or when nothing was heard of it for
 * {@link #EXPIRY_MILLIS}.
 */
public final class GatewayRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayRegistry.class);
    /** Three missed heartbeats (they come every 2 s): a crashed gateway leaves within 7 s. */
    public static final long EXPIRY_MILLIS = 6_000;

    public enum FoundBy {
        MDNS("mdns"), REGISTRATION("registration");

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
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final LongSupplier clock;

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
    }

    /**
     * An mDNS record on the bridge's link. It refreshes the load of a known gateway but never
     * replaces the subnet or URL it registered with: the record is unauthenticated.
     */
    public void seenByMdns(GatewayInfo info) {
        long now = clock.getAsLong();
        entries.compute(info.name(), (name, before) -> {
            if (before == null) {
                LOG.info("gateway {} seen via mDNS: subnet {}, {}", name, info.subnet(), info.url());
                return new Entry(info, FoundBy.MDNS, now, false);
            }
            if (before.authenticated()) {
                GatewayInfo known = before.info();
                return new Entry(new GatewayInfo(known.name(), known.subnet(), known.url(), info.streams(),
                        info.viewers(), known.capacity()), FoundBy.MDNS, now, true);
            }
            return new Entry(info, FoundBy.MDNS, now, false);
        });
    }

    /** A goodbye: DELETE /api/gateways/{name}, or the mDNS record withdrawn. */
    public void left(String name, String how) {
        if (entries.remove(name) != null) {
            LOG.info("gateway {} left ({})", name, how);
        }
    }

    /** Drops the gateways not heard of for {@link #EXPIRY_MILLIS}. */
    public void expire() {
        long now = clock.getAsLong();
        entries.values().removeIf(e -> {
            boolean stale = now - e.lastSeenMillis() > EXPIRY_MILLIS;
            if (stale) {
                LOG.warn("gateway {} not heard of for {} ms: removed", e.info().name(), now - e.lastSeenMillis());
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
