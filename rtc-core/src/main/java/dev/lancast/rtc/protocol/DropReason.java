package dev.lancast.rtc.protocol;

import dev.lancast.rtc.srtp.SrtpReceiver;
import java.util.List;

/**
 * Why a lancast datagram (a group datagram at a gateway, a feedback datagram at the bridge) was
 * dropped before it did anything; the label is the metric's {@code reason}. Each front counts the
 * reasons it can meet ({@link #GROUP}, {@link #FEEDBACK}) in that order.
 */
public enum DropReason {
    /** No lancast header (another program's datagram on the port or group). */
    NOT_LANCAST("not_lancast"),
    /** A key id that is not (or no longer) published. */
    UNKNOWN_KEY("unknown_key"),
    /** Forged, or under another key with the same id. */
    AUTH_FAILED("auth_failed"),
    REPLAYED("replayed"),
    MALFORMED("malformed"),
    /** An SSRC the catalog does not name for the stream: dropped before any crypto. */
    UNKNOWN_SSRC("unknown_ssrc"),
    /** The first sighting of an SSRC beyond its source's or the total budget: dropped before any crypto. */
    TRIAL_LIMIT("trial_limit"),
    /** Authenticated, but the key already has as many SSRCs as it may keep. */
    TOO_MANY_SSRCS("too_many_ssrcs"),
    /**
     * The second copy of a packet while a gateway gets a stream both by multicast and by unicast
     * (returning to multicast): expected, not an attack, so not counted as replayed.
     */
    DUPLICATE("duplicate");

    /** What a gateway's relay counts of its group datagrams. */
    public static final List<DropReason> GROUP = List.of(
            NOT_LANCAST, UNKNOWN_KEY, AUTH_FAILED, REPLAYED, MALFORMED, UNKNOWN_SSRC, TOO_MANY_SSRCS, DUPLICATE);
    /** What the bridge counts of the gateways' feedback. */
    public static final List<DropReason> FEEDBACK =
            List.of(NOT_LANCAST, UNKNOWN_KEY, TRIAL_LIMIT, AUTH_FAILED, REPLAYED, MALFORMED, TOO_MANY_SSRCS);

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The reason for a negative result of {@link SrtpReceiver}'s unprotect. */
    public static DropReason ofSrtp(int result) {
        return switch (result) {
            case SrtpReceiver.AUTH_FAIL -> AUTH_FAILED;
            case SrtpReceiver.REPLAY -> REPLAYED;
            case SrtpReceiver.TOO_MANY_SSRCS -> TOO_MANY_SSRCS;
            default -> MALFORMED;
        };
    }
}
