package dev.lancast.gateway.relay;

import dev.lancast.rtc.rtp.RtpPacket;

/**
 * Where a stream relay's packets go once its pipeline is done with them: to the viewers, on the
 * media loops that own them. The relay calls these on its own loop; the packet is in the viewers'
 * SSRC, numbering and timeline (each viewer's own shift of the video numbers is applied later) and
 * its buffer is valid only during the call.
 */
public interface Fanout {
    /**
     * One packet for every viewer of the stream.
     *
     * @param startsKeyframe whether a video packet is the first of a keyframe (for joiners' primers)
     */
    void onMedia(boolean isVideo, boolean startsKeyframe, RtpPacket rtp, long nowNanos);

    /** The stream's NTP/RTP mapping of a track in the viewers' timeline, from the bridge's sender report. */
    void onSenderReport(boolean isVideo, long ntp, long rtpTimestamp);

    /** The bridge's stream of a track changed (a restarted bridge): what was cached of the old one goes. */
    void onUpstreamChanged(boolean isVideo);
}
