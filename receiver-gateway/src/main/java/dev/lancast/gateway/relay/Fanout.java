package dev.lancast.gateway.relay;

import dev.lancast.rtc.rtp.RtpPacket;

/**
 * Where a stream relay's packets go once its pipeline is done with them: to the viewers, on the
 * media loops that own them. The relay calls these on its own loop; a track is named by its slot
 * (a video layer, or audio: {@link dev.lancast.rtc.media.Track#SLOTS}); the packet is in the
 * relay's SSRC, numbering and timeline of its track (each viewer's own numbering is applied
 * later), carries the relay's keyframe mark ({@link RtpPacket#startsKeyframe()}), and its buffer is
 * valid only during the call.
 */
public interface Fanout {
    /** One packet of a track for every viewer of the stream. */
    void onMedia(int slot, RtpPacket rtp, long nowNanos);

    /** The stream's NTP/RTP mapping of a track in the viewers' timeline, from the bridge's sender report. */
    void onSenderReport(int slot, long ntp, long rtpTimestamp);

    /** The bridge's stream of a track changed (a restarted bridge): what was cached of the old one goes. */
    void onUpstreamChanged(int slot);

    /** The stream's active layers from now on (a catalog change): viewers are switched among these. */
    void useLadder(LayerLadder ladder);
}
