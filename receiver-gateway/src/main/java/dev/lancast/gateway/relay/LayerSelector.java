package dev.lancast.gateway.relay;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The automatic choice of one viewer's rung on its stream's {@link LayerLadder}, from what the
 * viewer's browser reports: loss (its receiver reports' fraction lost, and the share of packets it
 * NACKs) and its receive-side bandwidth estimate (REMB). Down fast, up slowly, with hysteresis
 * (Janus, LiveKit, mediasoup and RLM's rules, docs/architecture.md "Layers"):
 * <ul>
 *   <li><b>Down at once</b> when a window of at least {@value #MIN_PACKETS} packets over
 *       {@value #WINDOW_MS} ms loses {@link #CONGESTED_LOSS} or more: to the highest rung within
 *       {@link #HEADROOM} of what got through (the rate sent times the share not lost, and at most
 *       the current rung's rate in the ladder times that share: the ladder's rates lag), at least one
 *       rung down; thinned rungs of the same layer come first (they need no keyframe). The window
 *       after a step down or a join ({@value #DOWN_SETTLE_MS} ms: the switch's or the primer's own
 *       burst) does not step again.</li>
 *   <li><b>Up one rung</b> only after {@value #MIN_ACTIVE_MS} ms on the rung, {@value #UP_HOLD_MS} ms
 *       after the last step down, with the last window clean (under {@link #CLEAN_LOSS}) and no
 *       overuse in the REMB (under {@link #REMB_OVERUSE} of the rate sent: a browser's receive-side
 *       estimator backs off to 85 % of what arrives when delay builds up). The step is an experiment
 *       (RLM's join experiment): congestion within {@value #DETECT_MS} ms undoes it and doubles the
 *       wait before the next one (up to {@value #BACKOFF_MAX_MS} ms); one that holds resets it.</li>
 * </ul>
 * The REMB does not move a viewer down: it follows what arrives (at most 1.5 times it), so after a
 * step up it stays under the new rate for seconds, and a policer drops without delaying.
 *
 * Deterministic: the clock comes in as nowNanos. The viewer's media loop only.
 */
final class LayerSelector {
    static final long WINDOW_MS = 500;
    static final int MIN_PACKETS = 20;
    static final double CONGESTED_LOSS = 0.10;
    static final double CLEAN_LOSS = 0.02;
    static final double HEADROOM = 0.85;
    static final double REMB_OVERUSE = 0.9;
    static final long MIN_ACTIVE_MS = 2_000;
    /** After a step down, the window that follows (the switch's own burst) does not step down again. */
    static final long DOWN_SETTLE_MS = 1_000;

    static final long UP_HOLD_MS = 10_000;
    static final long DETECT_MS = 2_000;
    static final long BACKOFF_MAX_MS = 120_000;

    private static final long WINDOW = TimeUnit.MILLISECONDS.toNanos(WINDOW_MS);
    private static final long MIN_ACTIVE = TimeUnit.MILLISECONDS.toNanos(MIN_ACTIVE_MS);
    private static final long DOWN_SETTLE = TimeUnit.MILLISECONDS.toNanos(DOWN_SETTLE_MS);
    private static final long UP_HOLD = TimeUnit.MILLISECONDS.toNanos(UP_HOLD_MS);
    private static final long DETECT = TimeUnit.MILLISECONDS.toNanos(DETECT_MS);
    private static final long BACKOFF_MAX = TimeUnit.MILLISECONDS.toNanos(BACKOFF_MAX_MS);

    /** Recently NACKed numbers, to count each missing packet once however often the browser asks. */
    private final int[] nacked = new int[1024];

    private long windowStart = -1;
    private long windowPackets;
    private long windowBytes;
    private int windowNacks;
    private int windowRrLoss = -1;
    private long remb = -1;
    private long rungSince;
    private long upAllowedAt;
    private long backoff = UP_HOLD;
    private long experimentUntil = -1;
    private double lastLoss;
    private boolean congestedBefore;
    private long lastDownNanos = Long.MIN_VALUE / 2;
    private long lastRateBps;

    LayerSelector(long nowNanos) {
        rungSince = nowNanos;
        upAllowedAt = nowNanos;
        lastDownNanos = nowNanos; // the join's primer is a burst of its own: its window does not count
        Arrays.fill(nacked, -1);
    }

    /** A receiver report block about the viewer's video: its fraction lost (RFC 3550, 0..255). */
    void onReceiverReport(int fractionLost) {
        windowRrLoss = Math.max(windowRrLoss, fractionLost);
    }

    /** Whether the viewer has been moved down for its link since it joined (its steps up are then experiments). */
    boolean congestedBefore() {
        return congestedBefore;
    }

    /** The viewer asked for this sequence number again (counted once while it stays recent). */
    void onNack(int seq) {
        int i = seq & (nacked.length - 1);
        if (nacked[i] != seq) {
            nacked[i] = seq;
            windowNacks++;
        }
    }

    /** The viewer's REMB. */
    void onRemb(long bps) {
        remb = bps;
    }

    /** The rung the viewer was moved to (by this selector or otherwise) at nowNanos. */
    void moved(long nowNanos) {
        rungSince = nowNanos;
    }

    /** The loss and rate of the last complete window (for status and tests). */
    double lastLoss() {
        return lastLoss;
    }

    long lastRateBps() {
        return lastRateBps;
    }

    /**
     * Called every few hundred milliseconds with the viewer's video packets and bytes sent so far:
     * the rung to move to, or current to stay.
     */
    int evaluate(long nowNanos, long sentPackets, long sentBytes, LayerLadder ladder, int current) {
        if (windowStart < 0) {
            startWindow(nowNanos, sentPackets, sentBytes);
            return current;
        }
        long elapsed = nowNanos - windowStart;
        if (elapsed < WINDOW || current < 0 || ladder.rungs().isEmpty()) {
            return current;
        }
        long packets = sentPackets - windowPackets;
        long rate = (sentBytes - windowBytes) * 8 * 1_000_000_000L / elapsed;
        double nackLoss = packets == 0 ? 0 : Math.min(1.0, (double) windowNacks / packets);
        double loss = Math.max(nackLoss, windowRrLoss < 0 ? 0 : windowRrLoss / 256.0);
        lastLoss = loss;
        lastRateBps = rate;
        startWindow(nowNanos, sentPackets, sentBytes);
        boolean settling = nowNanos - lastDownNanos < DOWN_SETTLE;
        if (packets >= MIN_PACKETS && loss >= CONGESTED_LOSS) {
            return settling ? current : down(nowNanos, ladder, current, capacity(ladder, current, rate, loss));
        }
        if (experimentUntil >= 0 && nowNanos >= experimentUntil) {
            experimentUntil = -1;
            backoff = UP_HOLD; // the step up held
        }
        boolean clean = packets >= MIN_PACKETS && loss < CLEAN_LOSS; // silence proves nothing
        boolean rembAllows = remb <= 0 || rate <= 0 || remb >= REMB_OVERUSE * rate;
        if (clean
                && rembAllows
                && current < ladder.top()
                && nowNanos >= upAllowedAt
                && nowNanos - rungSince >= MIN_ACTIVE
                && experimentUntil < 0) {
            experimentUntil = nowNanos + DETECT;
            return current + 1;
        }
        return current;
    }

    /**
     * What got through, in the ladder's units: the rate sent times the share not lost, and no more
     * than the current rung's share that arrived. The ladder's rates are the catalog's (measured at
     * the bridge, a second or more old): while the publisher ramps a layer up, its rung says less
     * than is sent, and the rate alone would pick a rung that no longer fits (seen: the top layer's
     * temporal layers thinned one by one for 13 s before the viewer left the layer).
     */
    private static long capacity(LayerLadder ladder, int current, long rate, double loss) {
        double through = 1 - Math.min(loss, 0.95);
        long sent = (long) (rate * through);
        long rungRate = ladder.rungs().get(Math.min(current, ladder.top())).bitrate();
        return rungRate > 0 ? Math.min(sent, (long) (rungRate * through)) : sent;
    }

    private int down(long nowNanos, LayerLadder ladder, int current, long capacityBps) {
        int target = Math.min(ladder.highestWithin((long) (HEADROOM * capacityBps)), current - 1);
        if (experimentUntil >= 0) {
            backoff = Math.min(BACKOFF_MAX, backoff * 2); // the step up failed: wait longer before the next
            experimentUntil = -1;
        }
        upAllowedAt = nowNanos + Math.max(UP_HOLD, backoff);
        lastDownNanos = nowNanos;
        congestedBefore = true;
        return Math.max(0, target);
    }

    private void startWindow(long nowNanos, long packets, long bytes) {
        windowStart = nowNanos;
        windowPackets = packets;
        windowBytes = bytes;
        windowNacks = 0;
        windowRrLoss = -1;
    }

    /** The wait before the next step up after a failed one (for tests). */
    long backoffNanos() {
        return backoff;
    }
}
