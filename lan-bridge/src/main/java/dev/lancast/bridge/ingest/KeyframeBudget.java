package dev.lancast.bridge.ingest;

import java.util.concurrent.TimeUnit;

/**
 * How often a stream may ask its broadcaster for a keyframe, whatever the number of gateways and
 * viewers asking: at most one per {@code keyframeIntervalMs}, and sustained at most one per 5 x
 * {@code keyframeIntervalMs} after a burst of {@link #BURST} (a generic cell rate: the theoretical
 * arrival time). One viewer's PLIs or a join churn used to hold the encoder at a keyframe every
 * {@code keyframeIntervalMs}. The clock comes in as nowNanos; the media loop only.
 */
final class KeyframeBudget {
    /** Requests the sustained budget lets through at once. */
    static final int BURST = 3;

    private final long intervalNanos;
    private final long sustainedNanos;
    private long lastSentNanos;
    private boolean sentBefore;
    /** The theoretical arrival time of the next request at the sustained rate. */
    private long tat;

    KeyframeBudget(long intervalMs, long nowNanos) {
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        this.sustainedNanos = 5 * intervalNanos;
        this.tat = nowNanos;
    }

    /** A new encoder (a broadcaster took over): its budget starts afresh. */
    void reset(long nowNanos) {
        tat = nowNanos;
    }

    /** How long a request made now must wait: 0 to send at once. */
    long waitNanos(long nowNanos) {
        long earliest = tat - (BURST - 1) * sustainedNanos;
        if (sentBefore) {
            earliest = Math.max(earliest, lastSentNanos + intervalNanos);
        }
        return Math.max(0, earliest - nowNanos);
    }

    /** Whether a wait of waitNanos comes from the sustained budget, not only from the interval. */
    boolean heldBySustainedBudget(long waitNanos, long nowNanos) {
        return waitNanos > 0 && (!sentBefore || nowNanos + waitNanos > lastSentNanos + intervalNanos);
    }

    /** A request went out at nowNanos. */
    void sent(long nowNanos) {
        sentBefore = true;
        lastSentNanos = nowNanos;
        tat = Math.max(tat, nowNanos) + sustainedNanos;
    }
}
