package dev.lancast.bench.load;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one load run measured. Times in milliseconds, CPU in microseconds per delivered packet and
 * in cores (CPU seconds per wall second) over the steady-state window.
 */
public record LoadReport(
        String server,
        int viewers,
        int connected,
        int withMedia,
        Map<String, Integer> failures,
        double windowSeconds,
        long delivered,
        long expected,
        double deliveredPerSecond,
        double lossPercent,
        double worstViewerLossPercent,
        int viewersWithLoss,
        Percentiles iceMs,
        Percentiles dtlsMs,
        Percentiles firstPacketMs,
        Percentiles firstKeyframeMs,
        Percentiles delayMs,
        long authChecked,
        long authFailed,
        List<Cpu> cpu) {

    /** p50, p95, p99 and max of a distribution; NaN where nothing was measured. */
    public record Percentiles(long count, double p50, double p95, double p99, double max) {}

    /** One process's CPU over the window; kernelShare: the part of it spent in the kernel (system calls, network stack). */
    public record Cpu(String name, long pid, double cores, double microsPerDeliveredPacket, double kernelShare) {}

    public String format() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "lancast bench viewers: %s, %d viewers (%d connected, %d with media)%n",
                server,
                viewers,
                connected,
                withMedia));
        if (!failures.isEmpty()) {
            b.append("  failures: ").append(failures).append('\n');
        }
        b.append(String.format(
                Locale.ROOT,
                "  window %.1f s: %d packets delivered (%.0f/s), loss %.3f %% (worst viewer %.3f %%, %d viewers lost any)%n",
                windowSeconds,
                delivered,
                deliveredPerSecond,
                lossPercent,
                worstViewerLossPercent,
                viewersWithLoss));
        b.append("  join, answer -> ICE path:       ").append(ms(iceMs)).append('\n');
        b.append("  join, answer -> DTLS done:      ").append(ms(dtlsMs)).append('\n');
        b.append("  join, answer -> first packet:   ").append(ms(firstPacketMs)).append('\n');
        b.append("  join, answer -> first keyframe: ")
                .append(ms(firstKeyframeMs))
                .append('\n');
        b.append("  delay, bridge send -> delivery: ").append(ms(delayMs)).append('\n');
        b.append(
                String.format(Locale.ROOT, "  authenticated %d sampled packets, %d failed%n", authChecked, authFailed));
        for (Cpu c : cpu) {
            b.append(String.format(
                    Locale.ROOT,
                    "  cpu %-10s pid %-7d %.3f core, %.2f us per delivered packet (%.0f %% in the kernel)%n",
                    c.name(),
                    c.pid(),
                    c.cores(),
                    c.microsPerDeliveredPacket(),
                    100 * c.kernelShare()));
        }
        return b.toString();
    }

    private static String ms(Percentiles p) {
        if (p.count() == 0) {
            return "not measured";
        }
        return String.format(
                Locale.ROOT,
                "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)",
                p.p50(),
                p.p95(),
                p.p99(),
                p.max(),
                p.count());
    }
}
