package dev.lancast.bridge.admin;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What the admin page charts: viewers across all gateways and each stream's received bitrate,
 * sampled every few seconds and kept in memory for a bounded span (an hour by default), so the
 * page shows the recent past as soon as it opens. Nothing is written to disk.
 */
public final class StatsHistory {
    /** One sample: when, how many viewers in all, and the bit/s each stream received. */
    public record Sample(long atMillis, int viewers, Map<String, Long> bitrateBps) {
        public Sample {
            bitrateBps = Map.copyOf(bitrateBps);
        }
    }

    private final long spanMillis;
    private final int capacity;
    private final LongSupplier clockMillis;
    private final ArrayDeque<Sample> samples;

    /**
     * @param spanMillis     how far back samples are kept
     * @param intervalMillis how often {@link #record} is called; bounds the number kept
     */
    public StatsHistory(long spanMillis, long intervalMillis, LongSupplier clockMillis) {
        if (intervalMillis <= 0 || spanMillis < intervalMillis) {
            throw new IllegalArgumentException(
                    "need 0 < interval <= span, got " + intervalMillis + " and " + spanMillis);
        }
        this.spanMillis = spanMillis;
        // One more than fits in the span, so a slightly late sampler never loses the oldest early.
        this.capacity = (int) (spanMillis / intervalMillis) + 1;
        this.clockMillis = clockMillis;
        this.samples = new ArrayDeque<>(capacity);
    }

    public synchronized void record(int viewers, Map<String, Long> bitrateBps) {
        long now = clockMillis.getAsLong();
        samples.addLast(new Sample(now, viewers, bitrateBps));
        while (samples.size() > capacity || now - samples.peekFirst().atMillis() > spanMillis) {
            samples.removeFirst();
        }
    }

    /** The samples still within the span, oldest first. */
    public synchronized List<Sample> samples() {
        long now = clockMillis.getAsLong();
        return samples.stream().filter(s -> now - s.atMillis() <= spanMillis).toList();
    }
}
