package dev.lancast.gateway.relay;

import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.rtp.RtpPacket;

/**
 * Where a stream relay's packets go once its pipeline is done with them: to the viewers, on the
 * media loops that own them. The relay calls these on its own loop; the packet is in the viewers'
 * SSRC, numbering and timeline (each viewer's own shift of the video numbers is applied later),
 * carries the relay's keyframe mark ({@link RtpPacket#startsKeyframe()}), and its buffer is valid
 * only during the call.
 */
public interface Fanout {
    /** One packet of a track for every viewer of the stream. */
    void onMedia(Track.Kind kind, RtpPacket rtp, long nowNanos);

    /** The stream's NTP/RTP mapping of a track in the viewers' timeline, from the bridge's sender report. */
    void onSenderReport(Track.Kind kind, long ntp, long rtpTimestamp);

    /** The bridge's stream of a track changed (a restarted bridge): what was cached of the old one goes. */
    void onUpstreamChanged(Track.Kind kind);
}
