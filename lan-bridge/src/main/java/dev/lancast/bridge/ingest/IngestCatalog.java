package dev.lancast.bridge.ingest;

import dev.lancast.bridge.config.StreamConfig;
import dev.lancast.bridge.config.TrackGroup;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.catalog.ViewerAccess;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.sdp.CodecMatch;
import java.util.ArrayList;
import java.util.List;

/**
 * A stream's entry in the catalog gateways read: each video layer the config gives it (with what
 * the bridge measures of the layer the broadcaster sends on it) and audio, their codecs, payload
 * types, SSRCs and groups. A layer the current broadcaster does not send has no codec.
 */
final class IngestCatalog {
    private IngestCatalog() {}

    /**
     * @param codecs the current broadcaster's (null before one)
     * @param ssrcs  the stream's multicast SSRC of each slot
     * @param meters the current broadcaster's meters by slot (null before one)
     */
    static StreamCatalog.Stream entry(
            StreamConfig config,
            IngestCodecs codecs,
            boolean live,
            long[] ssrcs,
            LayerMeter[] meters,
            String feedbackAddress,
            String sourceAddress,
            int keyId,
            byte[] viewerTokenKey) {
        IngestCodecs c = codecs == null ? IngestCodecs.NONE : codecs;
        String source = config.ssm() ? sourceAddress : null;
        List<StreamCatalog.Track> tracks = new ArrayList<>();
        CodecMatch video = c.video();
        for (int layer = 0; layer < config.layers().count(); layer++) {
            int slot = Track.slotOf(Track.Kind.VIDEO, layer);
            boolean sent = live && c.sends(slot);
            LayerMeter meter = meters == null || !sent ? null : meters[slot];
            TrackGroup group = config.layerGroup(layer);
            tracks.add(new StreamCatalog.Track(
                    "video",
                    sent ? video.rtpMap().encoding() : null,
                    c.multicastPt(Track.Kind.VIDEO),
                    Track.Kind.VIDEO.clockRate(),
                    1,
                    video == null ? null : video.fmtp(),
                    ssrcs[slot],
                    group.group(),
                    group.port(),
                    source,
                    layer,
                    sent && layer < c.rids().size() ? c.rids().get(layer) : null,
                    meter == null ? 0 : meter.width(),
                    meter == null ? 0 : meter.height(),
                    meter == null ? 0 : meter.bitrate(),
                    meter == null ? 0 : meter.temporalLayers()));
        }
        CodecMatch audio = c.audio();
        tracks.add(new StreamCatalog.Track(
                "audio",
                live && audio != null ? audio.rtpMap().encoding() : null,
                c.multicastPt(Track.Kind.AUDIO),
                Track.Kind.AUDIO.clockRate(),
                audio == null ? 2 : audio.rtpMap().channels(),
                audio == null ? null : audio.fmtp(),
                ssrcs[Track.AUDIO_SLOT],
                config.audio().group(),
                config.audio().port(),
                source));
        var viewers = config.viewers();
        return new StreamCatalog.Stream(
                config.name(),
                live,
                keyId,
                feedbackAddress,
                tracks,
                viewers == null
                        ? null
                        : ViewerAccess.of(viewers.tokens(), viewers.subnets(), viewers.origins(), viewerTokenKey));
    }
}
