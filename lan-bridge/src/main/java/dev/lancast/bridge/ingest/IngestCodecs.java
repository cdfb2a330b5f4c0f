package dev.lancast.bridge.ingest;

import dev.lancast.rtc.sdp.CodecMatch;

/**
 * The codecs negotiated with the current broadcaster and the payload types they carry on the
 * multicast hop (fixed by the bridge, so gateways need not follow each broadcaster's numbering).
 */
public record IngestCodecs(CodecMatch video, CodecMatch audio) {
    public static final int MULTICAST_PT_VP8 = 96;
    public static final int MULTICAST_PT_H264 = 102;
    public static final int MULTICAST_PT_OPUS = 111;

    public int multicastVideoPt() {
        return video != null && video.rtpMap().encoding().equalsIgnoreCase("H264") ? MULTICAST_PT_H264 : MULTICAST_PT_VP8;
    }
}
