package dev.lancast.rtc.limits;

/**
 * A rate limit of {@code ratePerSecond} events with bursts of up to {@code burst}, as a generic
 * cell rate algorithm: one "theoretical arrival time" instead of a token count, so a check is two
 * comparisons and no allocation. The clock comes in as {@code nowNanos}. One owner thread.
 */
public final class TokenBucket {
    private final long interval;
    private final long tolerance;
    private long theoreticalArrival;

    public TokenBucket(int ratePerSecond, int burst, long nowNanos) {
        if (ratePerSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be at least 1");
        }
        this.interval = 1_000_000_000L / ratePerSecond;
        this.tolerance = (burst - 1) * interval;
        this.theoreticalArrival = nowNanos;
    }

    /** Whether {@code events} more events fit the limit now (all of them or none); if so they are counted. */
    public boolean tryAcquire(int events, long nowNanos) {
        long tat = theoreticalArrival - nowNanos > 0 ? theoreticalArrival : nowNanos;
        if (tat + (events - 1) * interval - nowNanos > tolerance) {
            return false;
        }
        theoreticalArrival = tat + events * interval;
        return true;
    }

    /** Whether one more event fits the limit now; if so it is counted. */
    public boolean tryAcquire(long nowNanos) {
        long tat = theoreticalArrival - nowNanos > 0 ? theoreticalArrival : nowNanos;
        if (tat - nowNanos > tolerance) {
            return false;
        }
        theoreticalArrival = tat + interval;
        return true;
    }
}
