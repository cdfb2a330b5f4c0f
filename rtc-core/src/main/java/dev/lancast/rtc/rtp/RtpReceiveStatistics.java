package dev.lancast.rtc.rtp;

/**
 * Receive statistics of one SSRC as RFC 3550 appendix A defines them: extended highest sequence
 * number (A.1), cumulative and fractional loss (A.3) and interarrival jitter (A.8).
 */
public final class RtpReceiveStatistics {
    private static final int MAX_DROPOUT = 3000;
    private static final int MAX_MISORDER = 100;

    private boolean started;
    private int maxSeq;
    private long cycles;
    private long baseSeq;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private long transit;
    private boolean haveTransit;
    private double jitter;

    /** arrivalRtpUnits: the arrival time expressed in the stream's RTP clock. */
    public void update(int seq, long rtpTs, long arrivalRtpUnits) {
        if (!started) {
            started = true;
            maxSeq = seq;
            baseSeq = seq;
        } else {
            int delta = (seq - maxSeq) & 0xFFFF;
            if (delta < MAX_DROPOUT) {
                if (seq < maxSeq) {
                    cycles += 1 << 16;
                }
                maxSeq = seq;
            } else if (delta <= 0xFFFF - MAX_MISORDER) {
                // A very large jump: the sender restarted; start over from here.
                maxSeq = seq;
                baseSeq = seq;
                cycles = 0;
                received = 0;
                expectedPrior = 0;
                receivedPrior = 0;
            }
            // else: duplicate or reordered packet, counted below but not moving maxSeq
        }
        received++;
        long t = arrivalRtpUnits - rtpTs;
        if (haveTransit) {
            long d = Math.abs(t - transit);
            jitter += (d - jitter) / 16.0;
        }
        transit = t;
        haveTransit = true;
    }

    public long extendedHighestSeq() {
        return cycles + maxSeq;
    }

    private long expected() {
        return extendedHighestSeq() - baseSeq + 1;
    }

    public long cumulativeLost() {
        return started ? Math.max(0, expected() - received) : 0;
    }

    /** Loss since the previous call, as the 8-bit fraction of RFC 3550 6.4.1. */
    public int fractionLostAndReset() {
        if (!started) {
            return 0;
        }
        long expected = expected();
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        expectedPrior = expected;
        receivedPrior = received;
        long lost = expectedInterval - receivedInterval;
        if (expectedInterval <= 0 || lost <= 0) {
            return 0;
        }
        return (int) Math.min(255, (lost << 8) / expectedInterval);
    }

    public long jitter() {
        return (long) jitter;
    }

    public long packetsReceived() {
        return received;
    }
}
