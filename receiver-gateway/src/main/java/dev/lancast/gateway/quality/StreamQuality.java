package dev.lancast.gateway.quality;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One stream's playback as its viewers report it: totals since the gateway started (for
 * /metrics, where Prometheus takes rates) and the last {@value #WINDOW_SECONDS} s (for the admin
 * page: freezes per viewer-minute, the longest stall, join time percentiles) in preallocated
 * buckets of {@value #BUCKET_SECONDS} s and a ring of the last {@value #JOIN_SAMPLES} join times.
 * Nothing is allocated per report; reading the window allocates. Not thread-safe: its owner
 * ({@link ViewerQuality}) holds the lock.
 */
final class StreamQuality {
    static final int WINDOW_SECONDS = 300;
    static final int BUCKET_SECONDS = 10;
    static final int JOIN_SAMPLES = 256;
    private static final int BUCKETS = WINDOW_SECONDS / BUCKET_SECONDS;
    private static final long BUCKET_NANOS = TimeUnit.SECONDS.toNanos(BUCKET_SECONDS);
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(WINDOW_SECONDS);

    /** Totals since the start (Prometheus counters). */
    long reports;

    long freezes;
    long freezeMs;
    long viewerMs;
    long joins;
    long joinMsSum;
    long lost;
    long received;

    // The window: bucket i holds the reports of the bucket epoch epochs[i] (nowNanos / BUCKET_NANOS).
    private final long[] epochs = new long[BUCKETS];
    private final long[] bucketFreezes = new long[BUCKETS];
    private final long[] bucketFreezeMs = new long[BUCKETS];
    private final long[] bucketViewerMs = new long[BUCKETS];
    private final long[] bucketStallMs = new long[BUCKETS];
    private final long[] bucketLost = new long[BUCKETS];
    private final long[] bucketReceived = new long[BUCKETS];
    private final long[] joinAt = new long[JOIN_SAMPLES];
    private final long[] joinMs = new long[JOIN_SAMPLES];
    private int joinNext;
    private int joinCount;

    StreamQuality() {
        Arrays.fill(epochs, Long.MIN_VALUE);
    }

    /** One report's share: what it adds since the session's previous report (already bounded by the caller). */
    void add(long nowNanos, long spanMs, long dFreezes, long dFreezeMs, long stallMs, long dLost, long dReceived) {
        reports++;
        freezes += dFreezes;
        freezeMs += dFreezeMs;
        viewerMs += spanMs;
        lost += dLost;
        received += dReceived;
        int i = bucket(nowNanos);
        bucketFreezes[i] += dFreezes;
        bucketFreezeMs[i] += dFreezeMs;
        bucketViewerMs[i] += spanMs;
        bucketStallMs[i] = Math.max(bucketStallMs[i], stallMs);
        bucketLost[i] += dLost;
        bucketReceived[i] += dReceived;
    }

    void join(long nowNanos, long ms) {
        joins++;
        joinMsSum += ms;
        joinAt[joinNext] = nowNanos;
        joinMs[joinNext] = ms;
        joinNext = (joinNext + 1) % JOIN_SAMPLES;
        joinCount = Math.min(joinCount + 1, JOIN_SAMPLES);
    }

    /** The bucket for nowNanos, emptied first when it last held an older epoch. */
    private int bucket(long nowNanos) {
        long epoch = Math.floorDiv(nowNanos, BUCKET_NANOS);
        int i = (int) Math.floorMod(epoch, (long) BUCKETS);
        if (epochs[i] != epoch) {
            epochs[i] = epoch;
            bucketFreezes[i] = 0;
            bucketFreezeMs[i] = 0;
            bucketViewerMs[i] = 0;
            bucketStallMs[i] = 0;
            bucketLost[i] = 0;
            bucketReceived[i] = 0;
        }
        return i;
    }

    /** The last {@value #WINDOW_SECONDS} s; percentiles are -1 without a join in it. */
    Window window(long nowNanos) {
        long epoch = Math.floorDiv(nowNanos, BUCKET_NANOS);
        long f = 0;
        long fMs = 0;
        long vMs = 0;
        long stall = 0;
        long l = 0;
        long r = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (epochs[i] > epoch - BUCKETS && epochs[i] <= epoch) {
                f += bucketFreezes[i];
                fMs += bucketFreezeMs[i];
                vMs += bucketViewerMs[i];
                stall = Math.max(stall, bucketStallMs[i]);
                l += bucketLost[i];
                r += bucketReceived[i];
            }
        }
        long[] recent = new long[joinCount];
        int n = 0;
        for (int k = 0; k < joinCount; k++) {
            if (nowNanos - joinAt[k] <= WINDOW_NANOS) {
                recent[n++] = joinMs[k];
            }
        }
        Arrays.sort(recent, 0, n);
        return new Window(f, fMs, vMs, stall, l, r, n, percentile(recent, n, 0.50), percentile(recent, n, 0.95));
    }

    /** Nearest rank: the smallest sample with at least q of the samples at or below it. */
    static long percentile(long[] sorted, int n, double q) {
        if (n == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(q * n);
        return sorted[Math.max(0, Math.min(n, rank) - 1)];
    }

    /** A stream's last minutes as its viewers reported them. */
    record Window(
            long freezes,
            long freezeMs,
            long viewerMs,
            long longestStallMs,
            long lost,
            long received,
            int joins,
            long joinP50Ms,
            long joinP95Ms) {}
}
