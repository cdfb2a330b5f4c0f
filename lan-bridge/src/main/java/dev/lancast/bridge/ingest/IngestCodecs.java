package dev.lancast.bridge.ingest;

import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.sdp.CodecMatch;

/**
 * The codecs negotiated with the current broadcaster and the payload types they carry on the
 * multicast hop (fixed by the bridge, so gateways need not follow each broadcaster's numbering).
 */
public record IngestCodecs(CodecMatch video, CodecMatch audio) {
    public static final int MULTICAST_PT_VP8 = 96;
    public static final int MULTICAST_PT_H264 = 102;
    public static final int MULTICAST_PT_OPUS = 111;
    /** Before any broadcaster: the group's payload types are the defaults. */
    public static final IngestCodecs NONE = new IngestCodecs(null, null);

    /** The codec of a kind, or null when the broadcaster sends none. */
    public CodecMatch of(Track.Kind kind) {
        return kind == Track.Kind.VIDEO ? video : audio;
    }

    /** The payload type a kind carries on the group. */
    public int multicastPt(Track.Kind kind) {
        if (kind == Track.Kind.AUDIO) {
            return MULTICAST_PT_OPUS;
        }
        return video != null && video.rtpMap().encoding().equalsIgnoreCase("H264") ? MULTICAST_PT_H264 : MULTICAST_PT_VP8;
    }
}
