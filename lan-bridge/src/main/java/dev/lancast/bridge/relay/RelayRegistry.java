package dev.lancast.bridge.relay;

import dev.lancast.rtc.counters.CounterDescriptor;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The unicast copies the bridge sends to gateways that multicast does not reach: at most
 * {@code relays.max} (each costs the bridge's uplink one stream's bitrate), each for one stream to
 * one gateway socket, kept alive by the gateway repeating its request every couple of seconds and
 * dropped {@value #EXPIRY_SECONDS} s after the last one (a gateway that died or went back to
 * multicast without saying so). The control plane's: HTTP threads and the expiry timer; each change
 * of a stream's copies is handed to a {@link Listener}, which takes it to the stream's media loop.
 */
public final class RelayRegistry {
    public static final CounterDescriptor RELAYS = CounterDescriptor.gauge(
                    "lancast_bridge_relays",
                    "gateways getting a unicast copy of a stream (multicast does not reach them)")
            .status("relaysActive");
    public static final CounterDescriptor REFUSED = CounterDescriptor.counter(
                    "lancast_bridge_relays_refused", "unicast copies refused because relays.max were running")
            .status("relaysRefused");
    public static final CounterDescriptor MAX = CounterDescriptor.gauge(
                    "lancast_bridge_relays_max", "unicast copies the bridge runs at most (relays.max)")
            .status("relaysMax");
    static final long EXPIRY_SECONDS = 6;

    /** What the stream's media loop gets: every gateway to copy to, and what each new one already has. */
    @FunctionalInterface
    public interface Listener {
        /** @param from per gateway new in this change, the last sequence number of each kind it has */
        void copies(String stream, InetSocketAddress[] to, Map<InetSocketAddress, int[]> from);
    }

    /** One gateway's copy of one stream. */
    public record Relay(
            String id, String stream, InetSocketAddress to, String reason, long sinceMillis, long refreshedMillis) {}

    /** What a request did. */
    public enum Outcome {
        STARTED,
        REFRESHED,
        FULL
    }

    private final int max;
    private final LongSupplier millis;
    private final Listener listener;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Relay> byId = new LinkedHashMap<>();
    private long refused;

    public RelayRegistry(int max, LongSupplier millis, Listener listener) {
        this.max = max;
        this.millis = millis;
        this.listener = listener;
    }

    /** The outcome of a request and the relay it started or refreshed (null when refused). */
    public record Result(Outcome outcome, Relay relay) {}

    /**
     * A gateway asks for (or keeps) a copy of stream to its socket, saying why (for the admin) and
     * the last sequence number of each kind it has, so the copy starts with what it missed.
     */
    public synchronized Result request(String stream, InetSocketAddress to, String reason, int[] from) {
        long now = millis.getAsLong();
        for (Relay r : byId.values()) {
            if (r.stream().equals(stream) && r.to().equals(to)) {
                Relay refreshed = new Relay(r.id(), stream, to, reason, r.sinceMillis(), now);
                byId.put(r.id(), refreshed);
                return new Result(Outcome.REFRESHED, refreshed);
            }
        }
        if (byId.size() >= max) {
            refused++;
            return new Result(Outcome.FULL, null);
        }
        byte[] id = new byte[8];
        random.nextBytes(id);
        Relay started = new Relay(HexFormat.of().formatHex(id), stream, to, reason, now, now);
        byId.put(started.id(), started);
        announce(stream, Map.of(to, from));
        return new Result(Outcome.STARTED, started);
    }

    /** Ends a relay (the gateway is back on multicast); the one it was for, or null when unknown. */
    public synchronized Relay end(String id) {
        Relay r = byId.remove(id);
        if (r != null) {
            announce(r.stream(), Map.of());
        }
        return r;
    }

    /** Relays not refreshed for {@value #EXPIRY_SECONDS} s end. Once a second, on a control thread. */
    public synchronized List<Relay> expire() {
        long cutoff = millis.getAsLong() - TimeUnit.SECONDS.toMillis(EXPIRY_SECONDS);
        List<Relay> gone = new ArrayList<>();
        byId.values().removeIf(r -> {
            boolean stale = r.refreshedMillis() < cutoff;
            if (stale) {
                gone.add(r);
            }
            return stale;
        });
        gone.forEach(r -> announce(r.stream(), Map.of()));
        return gone;
    }

    /** A stream that went away takes its relays with it. */
    public synchronized void forget(String stream) {
        byId.values().removeIf(r -> r.stream().equals(stream));
    }

    private void announce(String stream, Map<InetSocketAddress, int[]> from) {
        InetSocketAddress[] to = byId.values().stream()
                .filter(r -> r.stream().equals(stream))
                .map(Relay::to)
                .toArray(InetSocketAddress[]::new);
        listener.copies(stream, to, from);
    }

    public synchronized List<Relay> list() {
        return List.copyOf(byId.values());
    }

    public synchronized int size() {
        return byId.size();
    }

    public synchronized long refused() {
        return refused;
    }

    public int max() {
        return max;
    }
}
