package dev.lancast.rtc.time;

import java.time.Instant;

/**
 * Wall-clock microseconds without a system call per reading: the epoch time taken once at
 * construction plus the monotonic time since. Two processes on one machine that each make one
 * agree to a few microseconds, which is what the send-time extension needs to measure one-way
 * delay between the bridge and a load generator; drift against NTP over a benchmark is negligible.
 */
public final class WallClock {
    private final long baseMicros;
    private final long baseNanos;

    public WallClock() {
        Instant now = Instant.now();
        this.baseNanos = System.nanoTime();
        this.baseMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    public long nowMicros() {
        return baseMicros + (System.nanoTime() - baseNanos) / 1_000;
    }

    /** The wall-clock microseconds of a {@link System#nanoTime()} reading taken in this process. */
    public long microsAt(long nanoTime) {
        return baseMicros + (nanoTime - baseNanos) / 1_000;
    }
}
