package dev.lancast.bench.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Turns one measured window into a {@link LoadReport}: packets and loss of each viewer between its
 * two snapshots, the failures of the joins, the CPU each process spent per delivered packet, and
 * the percentiles of the join phases and of the one-way delay.
 */
final class LoadSummary {
    private LoadSummary() {}

    static LoadReport of(
            LoadOptions options,
            String server,
            List<LoadViewer> viewers,
            List<LoadViewer.Snapshot> before,
            List<LoadViewer.Snapshot> after,
            double seconds,
            Map<String, double[]> cpuBefore,
            Map<String, double[]> cpuAfter,
            long selfPid,
            Map<String, Integer> failures) {
        long delivered = 0;
        long expected = 0;
        long checked = 0;
        long authFailed = 0;
        double worst = 0;
        int withLoss = 0;
        int withMedia = 0;
        for (int i = 0; i < viewers.size(); i++) {
            LoadViewer.Snapshot a = before.get(i);
            LoadViewer.Snapshot b = after.get(i);
            long got = b.received() - a.received();
            long want = b.expected() - a.expected();
            if (got > 0) {
                withMedia++;
            }
            delivered += got;
            expected += Math.max(want, got);
            checked += b.authChecked() - a.authChecked();
            authFailed += b.authFailed() - a.authFailed();
            if (want > got) {
                withLoss++;
                worst = Math.max(worst, 100.0 * (want - got) / want);
            }
        }
        int connected = (int) viewers.stream().filter(LoadViewer::connected).count();
        Map<String, Integer> allFailures = new TreeMap<>(failures);
        viewers.stream().filter(v -> v.failure() != null).forEach(v -> allFailures.merge(v.failure(), 1, Integer::sum));
        int missing = options.viewers()
                - viewers.size()
                - failures.values().stream().mapToInt(Integer::intValue).sum();
        if (missing > 0) {
            allFailures.merge("did not join in time", missing, Integer::sum);
        }
        List<LoadReport.Cpu> cpu = new ArrayList<>();
        for (var e : cpuAfter.entrySet()) {
            double user = e.getValue()[0] - cpuBefore.get(e.getKey())[0];
            double system = e.getValue()[1] - cpuBefore.get(e.getKey())[1];
            double used = user + system;
            long pid = e.getKey().equals("loadgen")
                    ? selfPid
                    : options.serverPids().get(e.getKey());
            cpu.add(new LoadReport.Cpu(
                    e.getKey(),
                    pid,
                    used / seconds,
                    delivered == 0 ? Double.NaN : used * 1e6 / delivered,
                    used == 0 ? Double.NaN : system / used));
        }
        Histogram delays = new Histogram(LoadViewer.MAX_DELAY_MICROS, 2);
        viewers.forEach(v -> delays.add(v.delays()));
        return new LoadReport(
                server,
                options.viewers(),
                connected,
                withMedia,
                allFailures,
                seconds,
                delivered,
                expected,
                delivered / seconds,
                expected == 0 ? 0 : 100.0 * (expected - delivered) / expected,
                worst,
                withLoss,
                millis(
                        viewers.stream()
                                .mapToLong(LoadViewer::iceAfterAnswerNanos)
                                .filter(n -> n >= 0)
                                .toArray(),
                        1e6),
                millis(
                        viewers.stream()
                                .mapToLong(LoadViewer::dtlsAfterAnswerNanos)
                                .filter(n -> n >= 0)
                                .toArray(),
                        1e6),
                millis(
                        viewers.stream()
                                .mapToLong(LoadViewer::firstPacketAfterAnswerNanos)
                                .filter(n -> n >= 0)
                                .toArray(),
                        1e6),
                millis(
                        viewers.stream()
                                .mapToLong(LoadViewer::firstKeyframeAfterAnswerNanos)
                                .filter(n -> n >= 0)
                                .toArray(),
                        1e6),
                percentiles(delays, 1e3),
                checked,
                authFailed,
                cpu);
    }

    static LoadReport.Percentiles millis(long[] values, double perMilli) {
        if (values.length == 0) {
            return new LoadReport.Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        long[] v = values.clone();
        Arrays.sort(v);
        return new LoadReport.Percentiles(
                v.length,
                rank(v, 0.50) / perMilli,
                rank(v, 0.95) / perMilli,
                rank(v, 0.99) / perMilli,
                v[v.length - 1] / perMilli);
    }

    /** Nearest-rank percentile. */
    private static long rank(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static LoadReport.Percentiles percentiles(Histogram h, double perMilli) {
        if (h.getTotalCount() == 0) {
            return new LoadReport.Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new LoadReport.Percentiles(
                h.getTotalCount(),
                h.getValueAtPercentile(50) / perMilli,
                h.getValueAtPercentile(95) / perMilli,
                h.getValueAtPercentile(99) / perMilli,
                h.getMaxValue() / perMilli);
    }
}
