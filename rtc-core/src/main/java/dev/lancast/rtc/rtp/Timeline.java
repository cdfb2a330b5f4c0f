package dev.lancast.rtc.rtp;

/**
 * An outgoing RTP timeline: the newest timestamp given out and when, so that a source that starts
 * (a new broadcaster, a restarted bridge, another simulcast layer) continues it by the wall-clock
 * time that passed. One {@link TrackRewriter} has its own; the video layers of a stream share one,
 * so that every layer is on one timeline and a viewer can be switched between them without a jump
 * (each layer's first packet is placed by its arrival; sender reports then place it exactly:
 * {@link TrackRewriter#useTimestampOffset}). One media loop.
 */
public final class Timeline {
    private final int clockRate;
    private long lastTs;
    private long lastNanos;
    private boolean started;

    public Timeline(int clockRate) {
        this.clockRate = clockRate;
    }

    /** Starts the timeline at ts, given out at nowNanos (the first packet of the first source). */
    void start(long ts, long nowNanos) {
        lastTs = ts & 0xFFFFFFFFL;
        lastNanos = nowNanos;
        started = true;
    }

    boolean started() {
        return started;
    }

    /**
     * The offset that puts a new source's timestamp inTs, arriving at nowNanos, where the timeline
     * has got to: its newest timestamp plus the time since (at least one tick, so it moves on).
     */
    long offsetFor(long inTs, long nowNanos) {
        long elapsedTicks = Math.max(1, (nowNanos - lastNanos) * clockRate / 1_000_000_000L);
        return (lastTs + elapsedTicks - inTs) & 0xFFFFFFFFL;
    }

    /** A timestamp given out at nowNanos: the timeline's newest if it is newer (RFC 3550 wrap-around order). */
    void gaveOut(long ts, long nowNanos) {
        if (!started || ((ts - lastTs) & 0xFFFFFFFFL) < 0x80000000L) {
            lastTs = ts & 0xFFFFFFFFL;
            lastNanos = nowNanos;
            started = true;
        }
    }
}
