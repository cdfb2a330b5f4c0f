package dev.lancast.bridge.whip;

import dev.lancast.bridge.ingest.IngestCodecs;
import dev.lancast.rtc.peer.ServerPeers;
import dev.lancast.rtc.sdp.AnswerBuilder;
import dev.lancast.rtc.sdp.CodecMatch;
import dev.lancast.rtc.sdp.ExtensionMap;
import dev.lancast.rtc.sdp.MediaAnswer;
import dev.lancast.rtc.sdp.MediaDescription;
import dev.lancast.rtc.sdp.Simulcast;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the bridge takes of a WHIP offer: VP8 (else H.264 packetization-mode 1) and Opus, the
 * simulcast layers (RFC 8853, RFC 8851 RIDs) up to the stream's configured count, and the header
 * extensions it reads (RFC 8852 RID, transport-wide sequence number); and the answer's sections.
 * Layers beyond the count, and RIDs it cannot use, are declined in the answer as RFC 8853 5.3
 * lets an answerer do (left out of {@code a=simulcast} and {@code a=rid}), never ignored: the
 * offerer then sends only what was accepted. Without the RID extension layers cannot be told
 * apart, so a simulcast offer lacking it is answered without simulcast (one stream).
 *
 * @param declined why each RID the offer named was declined ("rid: reason"); empty when none was
 */
record WhipMedia(
        ServerPeers.Choice video,
        ServerPeers.Choice audio,
        IngestCodecs codecs,
        List<String> videoAttributes,
        List<String> audioAttributes,
        List<String> declined) {
    /**
     * Feedback the bridge uses with broadcasters: NACK for upstream loss (retransmitted in the
     * original stream, since we negotiate no RTX), PLI and FIR for keyframes, REMB for the ceiling,
     * transport-wide feedback for the broadcaster's own estimate of the link.
     */
    static final List<String> VIDEO_FEEDBACK = List.of("nack", "nack pli", "ccm fir", "goog-remb", "transport-cc");

    static final List<String> AUDIO_FEEDBACK = List.of("transport-cc");

    /** Chooses the media of an offer for a stream that takes up to maxLayers video layers. */
    static WhipMedia of(List<MediaDescription> media, int maxLayers) {
        ServerPeers.Choice video = ServerPeers.choose(media, "video", m -> true, WhipMedia::chooseVideo);
        ServerPeers.Choice audio = ServerPeers.choose(media, "audio", m -> true, m -> m.findCodec("opus", p -> true));
        List<String> videoAttributes = new ArrayList<>();
        List<String> audioAttributes = new ArrayList<>();
        List<String> declined = new ArrayList<>();
        List<String> rids = new ArrayList<>();
        int ridExtension = -1;
        int transportCc = -1;
        if (video.found()) {
            MediaDescription m = media.get(video.index());
            Simulcast simulcast = Simulcast.ofOffer(m, video.codec().payloadType());
            int ridId = ExtensionMap.idOf(m, ExtensionMap.RID);
            simulcast.declined().forEach(d -> declined.add(d.rid() + ": " + d.reason()));
            if (simulcast.offered() && ridId < 0) {
                simulcast
                        .layers()
                        .forEach(l -> declined.add(l.rid() + ": the offer has no RID header extension ("
                                + ExtensionMap.RID + ") to tell the layers apart"));
            } else if (!simulcast.layers().isEmpty()) {
                for (int i = maxLayers; i < simulcast.layers().size(); i++) {
                    declined.add(simulcast.layers().get(i).rid() + ": the stream takes " + maxLayers
                            + " layer(s) (streams[].layers.count)");
                }
                simulcast.accepted(maxLayers).forEach(l -> rids.add(l.rid()));
                ridExtension = ridId;
                videoAttributes.add(ExtensionMap.answer(ridId, ExtensionMap.RID));
                int midId = ExtensionMap.idOf(m, ExtensionMap.MID);
                if (midId > 0) {
                    videoAttributes.add(ExtensionMap.answer(midId, ExtensionMap.MID));
                }
                videoAttributes.addAll(simulcast.answer(maxLayers));
            }
            transportCc = ExtensionMap.idOf(m, ExtensionMap.TRANSPORT_CC);
            if (transportCc > 0) {
                videoAttributes.add(ExtensionMap.answer(transportCc, ExtensionMap.TRANSPORT_CC));
            }
        }
        if (audio.found()) {
            int id = ExtensionMap.idOf(media.get(audio.index()), ExtensionMap.TRANSPORT_CC);
            // One transport-wide sequence: BUNDLE gives the extension one id in every section (RFC 8843 9.2).
            if (id > 0 && (transportCc < 0 || id == transportCc)) {
                transportCc = id;
                audioAttributes.add(ExtensionMap.answer(id, ExtensionMap.TRANSPORT_CC));
            }
        }
        IngestCodecs codecs = new IngestCodecs(video.codec(), audio.codec(), rids, ridExtension, transportCc);
        return new WhipMedia(video, audio, codecs, videoAttributes, audioAttributes, declined);
    }

    private static Optional<CodecMatch> chooseVideo(MediaDescription m) {
        Optional<CodecMatch> vp8 = m.findCodec("VP8", p -> true);
        if (vp8.isPresent()) {
            return vp8;
        }
        return m.findCodec("H264", p -> "1".equals(p.get("packetization-mode")));
    }

    boolean found() {
        return video.found() || audio.found();
    }

    /** The answer's video and audio sections (receive-only), into the transport-complete answer. */
    void answer(AnswerBuilder answer) {
        if (video.found()) {
            answer.accept(
                    video.index(),
                    MediaAnswer.receive(
                                    MediaDescription.Direction.RECVONLY,
                                    video.codec().withFeedback(VIDEO_FEEDBACK))
                            .with(videoAttributes));
        }
        if (audio.found()) {
            answer.accept(
                    audio.index(),
                    MediaAnswer.receive(
                                    MediaDescription.Direction.RECVONLY,
                                    audio.codec().withFeedback(AUDIO_FEEDBACK))
                            .with(audioAttributes));
        }
    }
}
