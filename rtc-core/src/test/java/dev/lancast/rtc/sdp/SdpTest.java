package dev.lancast.rtc.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Real browser offers (Chromium's, captured with sdp/*.sdp; a Firefox one) and malformed input. */
class SdpTest {
    private static String resource(String name) throws IOException {
        try (InputStream in = SdpTest.class.getResourceAsStream("/sdp/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void chromeWhipOffer() throws Exception {
        SessionDescription sdp = SessionDescription.parse(resource("chrome-whip-offer.sdp"));
        assertEquals(List.of("0", "1"), sdp.bundleMids());
        MediaDescription audio = sdp.media().get(0);
        MediaDescription video = sdp.media().get(1);
        assertEquals("audio", audio.kind());
        assertEquals(MediaDescription.Direction.SENDONLY, video.direction());
        assertTrue(video.rtcpMux());
        assertEquals(4, sdp.ice(video).ufrag().length());
        assertEquals("sha-256", sdp.fingerprint(video).orElseThrow().algorithm());
        assertEquals(32, sdp.fingerprint(video).orElseThrow().bytes().length);
        assertEquals("actpass", sdp.setup(video).orElseThrow());
        CodecMatch vp8 = video.findCodec("VP8", p -> true).orElseThrow();
        assertEquals(90000, vp8.rtpMap().clockRate());
        assertTrue(vp8.rtcpFeedback().contains("nack pli"));
        CodecMatch h264 = video.findCodec("H264", p -> "1".equals(p.get("packetization-mode")))
                .orElseThrow();
        assertEquals("1", h264.fmtpParams().get("packetization-mode"));
        CodecMatch opus = audio.findCodec("opus", p -> true).orElseThrow();
        assertEquals(2, opus.rtpMap().channels());
        assertFalse(audio.candidates().isEmpty());
        assertFalse(audio.attributes("ssrc").isEmpty());
    }

    @Test
    void firefoxWhepOffer() throws Exception {
        SessionDescription sdp = SessionDescription.parse(resource("firefox-whep-offer.sdp"));
        MediaDescription video = sdp.media().get(1);
        assertEquals(MediaDescription.Direction.RECVONLY, video.direction());
        assertEquals("8f3a2c1d", sdp.ice(video).ufrag());
        assertEquals("trickle", sdp.ice(video).options(), "session-level ice-options apply");
        assertEquals(120, video.findCodec("vp8", p -> true).orElseThrow().payloadType());
        assertEquals(
                126,
                video.findCodec("H264", p -> "1".equals(p.get("packetization-mode")))
                        .orElseThrow()
                        .payloadType());
        assertEquals(List.of("nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"), video.rtcpFeedback(120));
        assertEquals(2, sdp.media().get(0).candidates().size());
        assertEquals("UDP", sdp.media().get(0).candidates().get(0).transport());
    }

    @Test
    void answersParseBackAndCarryTheTransport() throws Exception {
        SessionDescription offer = SessionDescription.parse(resource("chrome-whep-offer.sdp"));
        CodecMatch vp8 = offer.media().get(1).findCodec("VP8", p -> true).orElseThrow();
        CodecMatch opus = offer.media().get(0).findCodec("opus", p -> true).orElseThrow();
        String text = new AnswerBuilder(offer)
                .iceLite(true)
                .ice("abcd", "0123456789012345678901")
                .fingerprint("sha-256", "AB:CD")
                .setup("passive")
                .candidate("127.0.0.1", 10001, 2130706431L)
                .accept(0, MediaAnswer.send(opus.withFeedback(List.of()), 11, "c", "s", "a"))
                .accept(1, MediaAnswer.send(vp8.withFeedback(List.of("nack pli", "ccm fir")), 22, "c", "s", "v"))
                .build();
        SessionDescription answer = SessionDescription.parse(text);
        assertTrue(answer.iceLite());
        assertEquals(List.of("0", "1"), answer.bundleMids());
        MediaDescription v = answer.media().get(1);
        assertEquals(MediaDescription.Direction.SENDONLY, v.direction());
        assertEquals(List.of(String.valueOf(vp8.payloadType())), v.formats());
        assertEquals(java.util.Set.of("nack pli", "ccm fir"), java.util.Set.copyOf(v.rtcpFeedback(vp8.payloadType())));
        assertEquals("127.0.0.1", v.candidates().get(0).address());
        assertEquals(10001, v.candidates().get(0).port());
        assertEquals("passive", answer.setup(v).orElseThrow());
        assertTrue(v.attributes("ssrc").contains("22 cname:c"));
    }

    @Test
    void rejectedSectionsKeepTheirMid() throws Exception {
        SessionDescription offer = SessionDescription.parse(resource("firefox-whep-offer.sdp"));
        String text = new AnswerBuilder(offer)
                .ice("abcd", "0123456789012345678901")
                .fingerprint("sha-256", "AB")
                .reject(0)
                .reject(1)
                .build();
        SessionDescription answer = SessionDescription.parse(text);
        assertEquals(0, answer.media().get(0).port());
        assertEquals("0", answer.media().get(0).mid());
    }

    @Test
    void controlCharactersAreRefusedWithTheirColumn() {
        // Found by SdpFuzzTest: a mid ending in NUL bytes came back without them in our answer.
        SdpException e = assertThrows(
                SdpException.class,
                () -> SessionDescription.parse(
                        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\u0000\u0000\r\n"));
        assertEquals("line 6: control character 0x00 at column 8 in \"a=mid:0??\"", e.getMessage());
    }

    @Test
    void aMidIsAToken() {
        // Found by SdpFuzzTest: a mid with a space split into two in our a=group:BUNDLE line.
        SdpException e = assertThrows(
                SdpException.class,
                () -> SessionDescription.parse(
                        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:1 2\r\n"));
        assertEquals("line 6: a mid is a token (RFC 5888, RFC 8866), without spaces in \"a=mid:1 2\"", e.getMessage());
    }

    @Test
    void ourOfferParses() throws Exception {
        String text = new OfferBuilder()
                .ice("abcd", "0123456789012345678901")
                .fingerprint("sha-256", "AB:CD")
                .audio(111, 1, "c", "s", "a")
                .video(96, 2, "c", "s", "v")
                .build();
        SessionDescription offer = SessionDescription.parse(text);
        assertEquals(2, offer.media().size());
        assertEquals(
                96,
                offer.media().get(1).findCodec("VP8", p -> true).orElseThrow().payloadType());
        assertEquals(MediaDescription.Direction.SENDONLY, offer.media().get(0).direction());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''|the SDP is empty",
                "o=- 1 1 IN IP4 0.0.0.0|line 1: the first line must be v=0",
                "v=0\\nfoo|line 2: not of the form <letter>=<value>",
                "v=0\\nm=video x UDP/TLS/RTP/SAVPF 96|line 2: port \"x\" is not a number",
                "v=0\\nm=video 9|line 2: an m-line needs media, port, protocol and formats",
                "v=0\\nm=video 9 UDP/TLS/RTP/SAVPF 96\\na=rtpmap:x VP8/90000|line 3: malformed rtpmap: payload type or clock rate is not a number",
                "v=0\\nm=video 9 UDP/TLS/RTP/SAVPF 96\\na=rtpmap:96 VP8|line 3: malformed rtpmap: no clock rate",
                "v=0\\nm=video 9 UDP/TLS/RTP/SAVPF 96\\na=candidate:1 1 udp|line 3: malformed candidate",
                "v=0\\nm=video 9 UDP/TLS/RTP/SAVPF 96\\na=candidate|line 3: malformed candidate: no value",
                "v=0\\nv=0|line 2: a second v= line",
            })
    void malformedInputNamesTheLine(String input, String expectedStart) {
        SdpException e = assertThrows(SdpException.class, () -> SessionDescription.parse(input.replace("\\n", "\r\n")));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }

    @Test
    void oversizedInputIsRejected() {
        String big = "v=0\r\n" + "a=x\r\n".repeat(20_000);
        assertTrue(assertThrows(SdpException.class, () -> SessionDescription.parse(big))
                .getMessage()
                .contains("more than the limit"));
    }

    @Test
    void badFingerprintHex() {
        assertThrows(SdpException.class, () -> new Fingerprint("sha-256", "ZZ:01").bytes());
        assertThrows(SdpException.class, () -> new Fingerprint("sha-256", "ABC:01").bytes());
    }
}
