package dev.lancast.rtc.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.sdp.AnswerBuilder;
import dev.lancast.rtc.sdp.MediaAnswer;
import dev.lancast.rtc.sdp.MediaDescription;
import dev.lancast.rtc.sdp.SessionDescription;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Offers captured from real publishers and players (sdp/*.sdp; how each was captured is in
 * sdp/README.md): each must be usable, get one section per kind accepted, and an answer in which
 * every section, accepted or rejected, carries ICE credentials, fingerprint and setup.
 */
class CapturedOffersTest {
    private static final String UFRAG = "abcd";
    private static final String PWD = "0123456789012345678901";
    private static final String FINGERPRINT = "AB:CD";

    static String resource(String name) throws IOException {
        try (InputStream in = CapturedOffersTest.class.getResourceAsStream("/sdp/" + name)) {
            if (in == null) {
                throw new IOException("no test resource /sdp/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** What WhipResource does with an offer: the first usable section of each kind, receive-only. */
    private static SessionDescription answerAsWhip(SessionDescription offer, List<Integer> acceptedOut) {
        List<MediaDescription> media = offer.media();
        ServerPeers.Choice video = ServerPeers.choose(media, "video", m -> true, m -> m.findCodec("VP8", p -> true));
        ServerPeers.Choice audio = ServerPeers.choose(media, "audio", m -> true, m -> m.findCodec("opus", p -> true));
        AnswerBuilder answer = new AnswerBuilder(offer)
                .iceLite(true)
                .ice(UFRAG, PWD)
                .fingerprint("sha-256", FINGERPRINT)
                .setup("passive")
                .candidate("127.0.0.1", 10001, 2130706431L);
        assertTrue(video.found(), "video accepted");
        assertTrue(audio.found(), "audio accepted");
        answer.accept(video.index(), MediaAnswer.receive(MediaDescription.Direction.RECVONLY, video.codec()));
        answer.accept(audio.index(), MediaAnswer.receive(MediaDescription.Direction.RECVONLY, audio.codec()));
        acceptedOut.add(video.index());
        acceptedOut.add(audio.index());
        try {
            return SessionDescription.parse(answer.build());
        } catch (Exception e) {
            throw new AssertionError("our answer does not parse back", e);
        }
    }

    private static void everySectionCarriesTheTransport(SessionDescription offer, SessionDescription answer) {
        assertEquals(offer.media().size(), answer.media().size(), "one answer section per offered section");
        for (int i = 0; i < answer.media().size(); i++) {
            MediaDescription m = answer.media().get(i);
            assertEquals(offer.media().get(i).mid(), m.mid(), "section " + i + " keeps its mid");
            assertEquals(UFRAG, m.attribute("ice-ufrag").orElse(null), "section " + i + " has a=ice-ufrag");
            assertEquals(PWD, m.attribute("ice-pwd").orElse(null), "section " + i + " has a=ice-pwd");
            assertEquals(
                    "sha-256 " + FINGERPRINT,
                    m.attribute("fingerprint").orElse(null),
                    "section " + i + " has a=fingerprint");
            assertEquals("passive", m.attribute("setup").orElse(null), "section " + i + " has a=setup");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "gstreamer-1.22-whip-max-bundle-offer.sdp",
                "chromium-156-whip-max-bundle-offer.sdp",
                "firefox-140esr-whip-offer.sdp",
                "chromium-156-whip-extra-transceivers-offer.sdp",
                "chrome-whip-offer.sdp"
            })
    void publishersOffersAreAnsweredWithAudioAndVideo(String name) throws Exception {
        ServerPeers.Offer offer = ServerPeers.parseOffer(resource(name));
        List<Integer> accepted = new ArrayList<>();
        SessionDescription answer = answerAsWhip(offer.sdp(), accepted);
        everySectionCarriesTheTransport(offer.sdp(), answer);
        List<String> bundle = new ArrayList<>();
        for (int index : accepted) {
            assertEquals(9, answer.media().get(index).port(), "an accepted section has a port");
            bundle.add(offer.sdp().media().get(index).mid());
        }
        assertEquals(java.util.Set.copyOf(bundle), java.util.Set.copyOf(answer.bundleMids()));
    }

    /** What WhepResource does: the first receiving section of each kind gets our sendonly track. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "chromium-156-whep-max-bundle-offer.sdp",
                "firefox-140esr-whep-offer.sdp",
                "chrome-whep-offer.sdp"
            })
    void playersOffersAreAnsweredWithAudioAndVideo(String name) throws Exception {
        ServerPeers.Offer offer = ServerPeers.parseOffer(resource(name));
        List<MediaDescription> media = offer.sdp().media();
        java.util.function.Predicate<MediaDescription> receives =
                m -> m.direction() == MediaDescription.Direction.RECVONLY
                        || m.direction() == MediaDescription.Direction.SENDRECV;
        ServerPeers.Choice video = ServerPeers.choose(media, "video", receives, m -> m.findCodec("VP8", p -> true));
        ServerPeers.Choice audio = ServerPeers.choose(media, "audio", receives, m -> m.findCodec("opus", p -> true));
        assertTrue(video.found() && audio.found(), "audio and video accepted");
        String text = new AnswerBuilder(offer.sdp())
                .iceLite(true)
                .ice(UFRAG, PWD)
                .fingerprint("sha-256", FINGERPRINT)
                .setup("passive")
                .candidate("127.0.0.1", 10001, 2130706431L)
                .accept(video.index(), MediaAnswer.send(video.codec(), 22, "c", "s", "v"))
                .accept(audio.index(), MediaAnswer.send(audio.codec(), 11, "c", "s", "a"))
                .build();
        SessionDescription answer = SessionDescription.parse(text);
        everySectionCarriesTheTransport(offer.sdp(), answer);
        assertEquals(
                MediaDescription.Direction.SENDONLY,
                answer.media().get(video.index()).direction());
    }

    /** RFC 8843 6: max-bundle offers every section but the first with port 0 and a=bundle-only. */
    @Test
    void aBundleOnlySectionIsAcceptedIntoTheBundle() throws Exception {
        ServerPeers.Offer offer = ServerPeers.parseOffer(resource("gstreamer-1.22-whip-max-bundle-offer.sdp"));
        MediaDescription audio = offer.sdp().media().get(1);
        assertEquals(0, audio.port());
        assertTrue(audio.hasFlag("bundle-only"));
        assertTrue(audio.hasFlag("rtcp-mux-only"));
        List<Integer> accepted = new ArrayList<>();
        SessionDescription answer = answerAsWhip(offer.sdp(), accepted);
        assertEquals(List.of(0, 1), accepted);
        assertEquals(List.of("video0", "audio1"), answer.bundleMids());
        MediaDescription answered = answer.media().get(1);
        assertEquals(9, answered.port());
        assertTrue(
                !answered.hasFlag("bundle-only"),
                "answered with a port and no a=bundle-only, as libwebrtc answers and webrtcbin accepts");
    }

    /**
     * Chromium with extra transceivers: an inactive video, a second audio without a track and a
     * data channel. The first audio and video are taken; the rest are rejected, each
     * with the transport lines, and stay out of the bundle.
     */
    @Test
    void extraAndUnusedTransceiversAreRejected() throws Exception {
        ServerPeers.Offer offer = ServerPeers.parseOffer(resource("chromium-156-whip-extra-transceivers-offer.sdp"));
        List<MediaDescription> media = offer.sdp().media();
        assertEquals(5, media.size());
        assertEquals("application", media.get(4).kind());
        List<Integer> accepted = new ArrayList<>();
        SessionDescription answer = answerAsWhip(offer.sdp(), accepted);
        assertEquals(List.of(1, 0), accepted);
        everySectionCarriesTheTransport(offer.sdp(), answer);
        assertEquals(List.of("0", "1"), answer.bundleMids());
        for (int i = 2; i < 5; i++) {
            assertEquals(0, answer.media().get(i).port(), "section " + i + " rejected");
        }
        assertEquals("m=application 0 UDP/DTLS/SCTP webrtc-datachannel", text(answer, 4));
    }

    private static String text(SessionDescription answer, int index) {
        MediaDescription m = answer.media().get(index);
        return "m=" + m.kind() + " " + m.port() + " " + m.protocol() + " " + String.join(" ", m.formats());
    }

    /** GStreamer offers TCP candidates (active and passive) next to UDP ones: they parse, and are not used. */
    @Test
    void tcpCandidatesParse() throws Exception {
        SessionDescription sdp = SessionDescription.parse(resource("gstreamer-1.22-whip-max-bundle-offer.sdp"));
        List<String> transports = sdp.media().get(0).candidates().stream()
                .map(c -> c.transport().toUpperCase())
                .toList();
        assertTrue(transports.contains("TCP") && transports.contains("UDP"), transports.toString());
    }

    /** A second section of a kind (an extra transceiver) is rejected, keeping the transport lines. */
    @Test
    void aSecondSectionOfAKindIsRejectedWithItsTransport() throws Exception {
        String gst = resource("gstreamer-1.22-whip-max-bundle-offer.sdp");
        int audioAt = gst.indexOf("m=audio");
        String extraVideo = gst.substring(gst.indexOf("m=video"), audioAt)
                .replace("a=mid:video0", "a=mid:video2")
                .replaceAll("a=ssrc:\\d+ [^\r]*\r\n", "")
                .replace("m=video 9", "m=video 0")
                .replace("a=rtcp-mux\r\n", "a=bundle-only\r\na=rtcp-mux\r\n")
                .replace("a=group:BUNDLE video0 audio1", "");
        String offerText =
                gst.replace("a=group:BUNDLE video0 audio1", "a=group:BUNDLE video0 audio1 video2") + extraVideo;
        ServerPeers.Offer offer = ServerPeers.parseOffer(offerText);
        assertEquals(3, offer.sdp().media().size());
        assertTrue(offer.sdp().media().get(2).attributes("ssrc").isEmpty(), "the extra section has no a=ssrc");
        List<Integer> accepted = new ArrayList<>();
        SessionDescription answer = answerAsWhip(offer.sdp(), accepted);
        everySectionCarriesTheTransport(offer.sdp(), answer);
        assertEquals(0, answer.media().get(2).port());
        assertEquals(List.of("video0", "audio1"), answer.bundleMids());
    }
}
