package dev.lancast.bridge.ingest;

import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.rtcp.TransportCcFeedback;
import dev.lancast.rtc.rtp.HeaderExtensions;
import dev.lancast.rtc.rtp.RtpPacket;
import java.util.Arrays;

/**
 * Which track slot each packet of a broadcaster's session belongs to, before its pipeline: audio
 * and video by payload type; a simulcast broadcaster's video layers by SSRC, each SSRC learnt from
 * the RFC 8852 RID header extension of its first packets (browsers send the RID until the
 * receiver's reports name the SSRC, then leave it out). A video packet of an SSRC not yet learnt
 * and without a RID is dropped: its layer cannot be told. On the way, each packet's transport-wide
 * sequence number and arrival go to the session's congestion feedback. One media loop,
 * allocation-free.
 */
final class IngestDemux {
    private final int videoPt;
    private final int audioPt;
    private final int ridExtension;
    private final int transportCcExtension;
    private final byte[][] rids;
    /** By layer: the SSRC learnt for it, -1 until then. */
    private final long[] ssrcs = new long[Track.MAX_LAYERS];

    private final TransportCcFeedback congestion;

    /** @param congestion where transport-wide sequence numbers go; null when not negotiated */
    IngestDemux(IngestCodecs codecs, TransportCcFeedback congestion) {
        this.videoPt = codecs.video() == null ? -1 : codecs.video().payloadType();
        this.audioPt = codecs.audio() == null ? -1 : codecs.audio().payloadType();
        this.ridExtension = codecs.ridExtension();
        this.transportCcExtension = congestion == null ? -1 : codecs.transportCcExtension();
        this.rids = codecs.ridBytes();
        this.congestion = congestion;
        Arrays.fill(ssrcs, -1);
    }

    /** The slot of a packet (with its header extensions still on), or -1 to drop it. */
    int slotOf(RtpPacket rtp, long nowNanos) {
        if (transportCcExtension > 0) {
            int seq = HeaderExtensions.u16(rtp, transportCcExtension);
            if (seq >= 0) {
                congestion.onPacket(seq, rtp.ssrc(), nowNanos);
            }
        }
        int pt = rtp.payloadType();
        if (pt == audioPt) {
            return Track.AUDIO_SLOT;
        }
        if (pt != videoPt) {
            return -1;
        }
        long ssrc = rtp.ssrc();
        if (rids.length == 0) {
            ssrcs[0] = ssrc;
            return 0;
        }
        for (int layer = 0; layer < rids.length; layer++) {
            if (ssrcs[layer] == ssrc) {
                return layer;
            }
        }
        long found = HeaderExtensions.find(rtp, ridExtension);
        for (int layer = 0; layer < rids.length; layer++) {
            if (HeaderExtensions.equals(rtp, found, rids[layer])) {
                ssrcs[layer] = ssrc; // a new SSRC for a layer (the encoder restarted it) replaces the old
                return layer;
            }
        }
        return -1;
    }

    /** The SSRC learnt for a layer, -1 while unknown. */
    long ssrcOf(int layer) {
        return ssrcs[layer];
    }
}
