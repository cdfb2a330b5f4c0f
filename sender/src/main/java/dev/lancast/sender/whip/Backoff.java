package dev.lancast.sender.whip;

/**
 * Delays between attempts to publish again: first {@code initialMillis}, doubling up to
 * {@code maxMillis}; back to the start once a session has lasted. One thread at a time.
 */
public final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private long next;

    public Backoff(long initialMillis, long maxMillis) {
        if (initialMillis <= 0 || maxMillis < initialMillis) {
            throw new IllegalArgumentException(
                    "backoff needs 0 < initial <= max, got " + initialMillis + ", " + maxMillis);
        }
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
        this.next = initialMillis;
    }

    /** The delay before the next attempt; the one after is longer. */
    public long nextDelayMillis() {
        long d = next;
        next = Math.min(maxMillis, next * 2);
        return d;
    }

    public void reset() {
        next = initialMillis;
    }
}
