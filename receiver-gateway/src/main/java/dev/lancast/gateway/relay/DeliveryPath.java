package dev.lancast.gateway.relay;

import java.util.concurrent.TimeUnit;

/**
 * Whether a stream reaches this gateway by multicast, and when to ask the bridge for a unicast copy
 * of its group datagrams instead (and when to stop). The bridge sends an authenticated packet on
 * every group at least every 250 ms (beacons), so silence while the bridge answers means no path,
 * not an idle stream:
 * <pre>
 *              silent for silenceMs, the bridge up               group packets again
 *   MULTICAST ------------------------------------> UNICAST ------------------------> RETURNING
 *       ^        (rejoin the groups, ask for a copy)   ^      silent again (settle x 2)      |
 *       |                                              +-------------------------------------+
 *       +-- the group carried >= 99 % of the packets for the settle time: end the copy ------+
 * </pre>
 * The multicast join is kept all along, so the return costs nothing; while both paths run, the
 * SRTP replay window drops the second copy of each packet. A return that fails (silence again
 * while returning, or within {@value #FAILED_RETURN_SECONDS} s of going back) doubles the settle
 * time, up to {@code maxSettle}; {@value #STABLE_MINUTES} minutes on multicast reset it (flap
 * damping, RLM-style). The clock comes in as nowNanos; one owner thread (the relay's loop).
 */
final class DeliveryPath {
    static final double COVERAGE = 0.99;
    static final long FAILED_RETURN_SECONDS = 60;
    static final long STABLE_MINUTES = 10;
    /** Multicast stopping this long after the join is what a snooping switch with no querier does (GMI 260 s). */
    static final long QUERIER_SIGNATURE_MIN_SECONDS = 250;

    static final long QUERIER_SIGNATURE_MAX_SECONDS = 275;
    /** After the copy ends, its last datagrams may still arrive for about a round trip to the bridge. */
    static final long COPY_TAIL_SECONDS = 2;

    enum Mode {
        MULTICAST("multicast"),
        UNICAST("unicast"),
        RETURNING("returning");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    /** Why the stream went to unicast: said to the bridge (its log and admin page) and in the status. */
    enum Reason {
        START_TIMEOUT("start_timeout"),
        LOST("lost"),
        QUERIER_SUSPECT("querier_suspect");

        final String label;

        Reason(String label) {
            this.label = label;
        }
    }

    /** What the path asks of the control plane. */
    interface Actions {
        /** Leave and join the groups again (a switch may have lost the membership). */
        void rejoin();

        void startCopy(Reason reason);

        void stopCopy();
    }

    private final long silenceNanos;
    private final long baseSettleNanos;
    private final long maxSettleNanos;
    private Mode mode = Mode.MULTICAST;
    private Reason reason;
    private long sinceNanos;
    private long joinedNanos;
    /** Silence counts only once the groups were joined: a join that waits (a busy loop at start) is no silence. */
    private boolean armed;

    private long lastGroupNanos;
    private boolean heardGroup;
    private long settleNanos;
    private long windowStartNanos;
    private long windowPassed;
    private long windowCovered;
    /** The last return to multicast (long before the start: none yet). */
    private long returnedNanos;

    private long fallbacks;

    /**
     * @param silenceNanos how long the groups may be silent (the bridge up) before a copy is asked for
     * @param settleNanos  how long the group must carry the stream before the copy ends; doubled per failed return
     */
    DeliveryPath(long silenceNanos, long settleNanos, long maxSettleNanos, long nowNanos) {
        this.silenceNanos = silenceNanos;
        this.baseSettleNanos = settleNanos;
        this.maxSettleNanos = maxSettleNanos;
        this.settleNanos = settleNanos;
        this.sinceNanos = nowNanos;
        this.returnedNanos = nowNanos - TimeUnit.DAYS.toNanos(1);
    }

    /** The groups were joined (again) at nowNanos: silence counts from here. */
    void joined(long nowNanos) {
        armed = true;
        joinedNanos = nowNanos;
        if (!heardGroup) {
            lastGroupNanos = nowNanos;
        }
    }

    /**
     * A datagram of the group that authenticated, or that was a copy of one the unicast path had
     * brought first: either way the group carried it.
     */
    void onGroupPacket(long nowNanos) {
        lastGroupNanos = nowNanos;
        heardGroup = true;
        windowCovered++;
    }

    /** A packet that passed (on either path: the first copy of each). */
    void onPassed() {
        windowPassed++;
    }

    /** Every few hundred milliseconds. bridgeUp: the bridge answered lately (its published index came). */
    void tick(long nowNanos, boolean bridgeUp, Actions out) {
        if (!armed) {
            return;
        }
        boolean silent = nowNanos - lastGroupNanos > silenceNanos;
        switch (mode) {
            case MULTICAST -> {
                if (nowNanos - returnedNanos > TimeUnit.MINUTES.toNanos(STABLE_MINUTES)) {
                    settleNanos = baseSettleNanos;
                }
                if (silent && bridgeUp) {
                    if (nowNanos - returnedNanos < TimeUnit.SECONDS.toNanos(FAILED_RETURN_SECONDS)) {
                        settleNanos = Math.min(2 * settleNanos, maxSettleNanos);
                    }
                    reason = !heardGroup
                            ? Reason.START_TIMEOUT
                            : querierSignature() ? Reason.QUERIER_SUSPECT : Reason.LOST;
                    enter(Mode.UNICAST, nowNanos);
                    fallbacks++;
                    out.rejoin();
                    out.startCopy(reason);
                }
            }
            case UNICAST -> {
                if (!silent && heardGroup) {
                    enter(Mode.RETURNING, nowNanos);
                    startWindow(nowNanos);
                }
            }
            case RETURNING -> {
                if (silent) {
                    settleNanos = Math.min(2 * settleNanos, maxSettleNanos);
                    enter(Mode.UNICAST, nowNanos);
                } else if (nowNanos - windowStartNanos >= settleNanos) {
                    if (windowPassed > 0 && windowCovered >= COVERAGE * windowPassed) {
                        enter(Mode.MULTICAST, nowNanos);
                        returnedNanos = nowNanos;
                        reason = null;
                        out.stopCopy();
                    } else {
                        startWindow(nowNanos);
                    }
                }
            }
            default -> throw new IllegalStateException(mode.toString());
        }
    }

    /** The last group packet came about 260 s after the join: a snooping switch whose membership timed out. */
    private boolean querierSignature() {
        long afterJoin = lastGroupNanos - joinedNanos;
        return afterJoin >= TimeUnit.SECONDS.toNanos(QUERIER_SIGNATURE_MIN_SECONDS)
                && afterJoin <= TimeUnit.SECONDS.toNanos(QUERIER_SIGNATURE_MAX_SECONDS);
    }

    private void enter(Mode next, long nowNanos) {
        mode = next;
        sinceNanos = nowNanos;
    }

    private void startWindow(long nowNanos) {
        windowStartNanos = nowNanos;
        windowPassed = 0;
        windowCovered = 0;
    }

    Mode mode() {
        return mode;
    }

    /**
     * Whether the stream may come by both paths now: while a copy runs, and for a moment after it
     * ended (its last datagrams in flight), so a packet's second copy is expected, not a replay.
     */
    boolean twoPaths(long nowNanos) {
        return mode != Mode.MULTICAST || nowNanos - returnedNanos < TimeUnit.SECONDS.toNanos(COPY_TAIL_SECONDS);
    }

    /** Why the stream is not on multicast only, or null when it is. */
    Reason reason() {
        return reason;
    }

    long sinceNanos() {
        return sinceNanos;
    }

    long settleNanos() {
        return settleNanos;
    }

    long fallbacks() {
        return fallbacks;
    }
}
