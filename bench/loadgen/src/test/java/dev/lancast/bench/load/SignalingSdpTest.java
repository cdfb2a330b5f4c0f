package dev.lancast.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.ice.IceCredentials;
import dev.lancast.rtc.sdp.MediaDescription;
import dev.lancast.rtc.sdp.SessionDescription;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SignalingSdpTest {
    private static String resource(String name) throws IOException {
        try (InputStream in = SignalingSdpTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsJanusOfferCapturedFromTheStreamingPlugin() throws Exception {
        Negotiated n = Sdp.read(resource("/janus-1.1.2-streaming-offer.sdp"), () -> {});
        assertEquals(new InetSocketAddress("198.18.200.1", 27788), n.server());
        assertEquals("ImCB", n.remoteUfrag());
        assertEquals("gnr8AKEoHnkxBae2ifWJi1", n.remotePwd());
        assertEquals(32, n.fingerprint().length);
        assertEquals(96, n.videoPt());
        assertEquals("VP8", n.videoCodec());
        assertEquals(111, n.audioPt());
    }

    @Test
    void answersJanusRecvonlyBundledAsTheDtlsClientWithOurCandidate() throws Exception {
        IceCredentials ice = IceCredentials.generate(new SecureRandom());
        DtlsCertificate cert = DtlsCertificate.generate();
        String answer = JanusSignaling.answer(
                resource("/janus-1.1.2-streaming-offer.sdp"), ice, cert, new InetSocketAddress("198.18.200.2", 40000));
        SessionDescription sdp = SessionDescription.parse(answer);
        assertEquals(java.util.List.of("v", "a"), sdp.bundleMids());
        for (MediaDescription m : sdp.media()) {
            assertEquals(MediaDescription.Direction.RECVONLY, m.direction());
            assertEquals("active", sdp.setup(m).orElseThrow());
            assertEquals(ice.ufrag(), sdp.ice(m).ufrag());
            assertEquals(
                    cert.fingerprintSha256(), sdp.fingerprint(m).orElseThrow().value());
            assertEquals(1, m.formats().size(), "one codec per section: " + m.formats());
            assertEquals("198.18.200.2", m.candidates().get(0).address());
            assertEquals(40000, m.candidates().get(0).port());
        }
        assertTrue(answer.contains("a=rtpmap:96 VP8/90000\r\n"));
        assertTrue(answer.contains("a=rtpmap:111 opus/48000/2\r\n"));
    }

    @Test
    void readsTheGatewaysWhepAnswerShapeAndRefusesSdpWithoutMedia() throws Exception {
        String offer = WhepSignaling.offer(
                WhepSignaling.chromeOffer(), IceCredentials.generate(new SecureRandom()), DtlsCertificate.generate());
        assertTrue(offer.contains("a=recvonly"));
        IOException e = assertThrows(
                IOException.class, () -> Sdp.read("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n", () -> {}));
        assertTrue(e.getMessage().contains("no video m-line"), e.getMessage());
    }
}
