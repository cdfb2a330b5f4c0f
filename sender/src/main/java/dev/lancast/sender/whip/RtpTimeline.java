package dev.lancast.sender.whip;

import java.security.SecureRandom;

/**
 * Sequence numbers and the RTP clock of one sent track, so sender reports can state the RTP time
 * that corresponds to "now".
 */
final class RtpTimeline {
    private final int clockRate;
    private int seq = new SecureRandom().nextInt(0x8000);
    private volatile long lastTs = -1;
    private volatile long lastNanos;
    volatile long packets;
    volatile long octets;

    RtpTimeline(int clockRate) {
        this.clockRate = clockRate;
    }

    int nextSeq() {
        int s = seq;
        seq = (seq + 1) & 0xFFFF;
        return s;
    }

    void sent(long ts, int payloadLength) {
        lastTs = ts;
        lastNanos = System.nanoTime();
        packets++;
        octets += payloadLength;
    }

    boolean started() {
        return lastTs >= 0;
    }

    long now() {
        return (lastTs + (System.nanoTime() - lastNanos) * clockRate / 1_000_000_000L) & 0xFFFFFFFFL;
    }
}
