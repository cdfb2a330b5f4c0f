package dev.lancast.bridge.feedback;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest receiver summary of each gateway (RFC 3550 report blocks sent by unicast, in the
 * spirit of RFC 5760): how each subnet ends up receiving the stream, after repair, and its jitter.
 */
public final class GatewayReports {
    /** One gateway's view of one multicast track. */
    public record Report(
            String gateway, long ssrc, double fractionLost, long cumulativeLost, long jitter, long receivedAtMillis) {}

    private final Map<String, Report> latest = new ConcurrentHashMap<>();

    void record(InetSocketAddress gateway, long ssrc, int fractionLost, long cumulativeLost, long jitter) {
        String who = gateway.getAddress().getHostAddress() + ":" + gateway.getPort();
        latest.put(
                who + "/" + ssrc,
                new Report(who, ssrc, fractionLost / 256.0, cumulativeLost, jitter, System.currentTimeMillis()));
    }

    /** Reports younger than maxAgeMillis; older ones are dropped (the gateway went away). */
    public List<Report> current(long maxAgeMillis) {
        long now = System.currentTimeMillis();
        latest.values().removeIf(r -> now - r.receivedAtMillis() > maxAgeMillis);
        return List.copyOf(latest.values());
    }
}
