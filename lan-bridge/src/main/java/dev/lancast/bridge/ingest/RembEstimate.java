package dev.lancast.bridge.ingest;

/**
 * The bit rate a stream tells its broadcaster by REMB once a second. With transport-wide
 * congestion feedback the broadcaster estimates the link itself (Chromium's send-side estimator),
 * and the REMB is only the stream's ceiling, {@code maxBitrate}. Without it, the REMB follows the
 * link from what arrives: half again the measured rate plus 100 kbit/s while the upstream loses
 * under 10 % (so an encoder that listens to REMB climbs quickly), 85 % of it when it loses more
 * (libwebrtc's receive-side back-off), never under 150 kbit/s nor over the ceiling.
 */
final class RembEstimate {
    static final long FLOOR_BPS = 150_000;
    static final long STEP_BPS = 100_000;
    static final double LOSSY = 0.10;

    private RembEstimate() {}

    /**
     * @param receivedBps  what arrived from the broadcaster over the last second
     * @param lossFraction video packets missing of those expected over the last second (0..1)
     */
    static long of(long maxBitrate, boolean transportCc, long receivedBps, double lossFraction) {
        if (transportCc) {
            return maxBitrate;
        }
        long estimate = lossFraction > LOSSY ? (long) (0.85 * receivedBps) : receivedBps * 3 / 2 + STEP_BPS;
        return Math.max(FLOOR_BPS, Math.min(maxBitrate, estimate));
    }
}
