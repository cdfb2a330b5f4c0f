package dev.lancast.bridge.ingest;

import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.sdp.CodecMatch;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What a broadcaster's WHIP session negotiated that its packets are read by: the codecs and the
 * payload types they carry on the multicast hop (fixed by the bridge, so gateways need not follow
 * each broadcaster's numbering), the RIDs of its simulcast layers in layer order (empty: one
 * layer), and the header extension ids of the RID and of the transport-wide sequence number (-1
 * where not negotiated).
 */
public record IngestCodecs(
        CodecMatch video, CodecMatch audio, List<String> rids, int ridExtension, int transportCcExtension) {
    public static final int MULTICAST_PT_VP8 = 96;
    public static final int MULTICAST_PT_H264 = 102;
    public static final int MULTICAST_PT_OPUS = 111;
    /** Before any broadcaster: the group's payload types are the defaults. */
    public static final IngestCodecs NONE = new IngestCodecs(null, null);

    public IngestCodecs {
        rids = rids == null ? List.of() : List.copyOf(rids);
        if (rids.size() > Track.MAX_LAYERS) {
            throw new IllegalArgumentException("at most " + Track.MAX_LAYERS + " layers, got " + rids.size());
        }
        if (!rids.isEmpty() && ridExtension < 0) {
            throw new IllegalArgumentException("simulcast layers need the RID header extension to be told apart");
        }
    }

    /** A single-layer broadcaster without transport-wide congestion control. */
    public IngestCodecs(CodecMatch video, CodecMatch audio) {
        this(video, audio, List.of(), -1, -1);
    }

    /** The codec of a kind, or null when the broadcaster sends none. */
    public CodecMatch of(Track.Kind kind) {
        return kind == Track.Kind.VIDEO ? video : audio;
    }

    /** Video layers the broadcaster sends (0 without video). */
    public int videoLayers() {
        return video == null ? 0 : Math.max(1, rids.size());
    }

    /** Whether the broadcaster sends the track of this slot. */
    public boolean sends(int slot) {
        return Track.kindOfSlot(slot) == Track.Kind.AUDIO ? audio != null : Track.layerOfSlot(slot) < videoLayers();
    }

    /** The RIDs as bytes, to compare with RID header extensions without a String per packet. */
    byte[][] ridBytes() {
        byte[][] out = new byte[rids.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = rids.get(i).getBytes(StandardCharsets.US_ASCII);
        }
        return out;
    }

    /** The payload type a kind carries on the group. */
    public int multicastPt(Track.Kind kind) {
        if (kind == Track.Kind.AUDIO) {
            return MULTICAST_PT_OPUS;
        }
        return video != null && video.rtpMap().encoding().equalsIgnoreCase("H264")
                ? MULTICAST_PT_H264
                : MULTICAST_PT_VP8;
    }
}
