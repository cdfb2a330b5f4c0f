package dev.lancast.rtc.media;

import dev.lancast.rtc.rtp.RtpPacket;

/**
 * Removes the RTP header extension (RFC 8285) in place. Extension ids are negotiated per session,
 * and every hop after the bridge negotiates its own, so none cross the multicast hop.
 */
public final class ExtensionStripper implements Stage {
    @Override
    public boolean onRtp(Track track, RtpPacket packet, long nowNanos) {
        if (!packet.hasExtension()) {
            return true;
        }
        int n = packet.removeExtensions();
        return packet.wrap(packet.buffer(), packet.offset(), n);
    }
}
