package dev.lancast.rtc.media;

import dev.lancast.rtc.rtp.RtpPacket;

/**
 * Maps the payload type the track arrives with to the one it leaves with (the bridge's fixed
 * multicast numbers, so gateways need not follow each broadcaster's). A packet with any other
 * payload type is not this track's and is dropped.
 */
public final class PayloadTypeMap implements Stage {
    private final int from;
    private final int to;

    public PayloadTypeMap(int from, int to) {
        if (from < 0 || from > 127 || to < 0 || to > 127) {
            throw new IllegalArgumentException("payload types are 0..127, not " + from + " -> " + to);
        }
        this.from = from;
        this.to = to;
    }

    @Override
    public boolean onRtp(Track track, RtpPacket packet, long nowNanos) {
        if (packet.payloadType() != from) {
            return false;
        }
        packet.setPayloadType(to);
        return true;
    }

    public int to() {
        return to;
    }
}
