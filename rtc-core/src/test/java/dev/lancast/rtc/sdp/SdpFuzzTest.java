package dev.lancast.rtc.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lancast.rtc.peer.ServerPeers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;

/**
 * Any bytes as a WHIP/WHEP offer body: parsing either succeeds or throws SdpException, and an
 * answer written for an accepted offer parses back to the same sections, mids and codecs.
 * Seeds: SdpFuzzTestInputs/offer (browser offers).
 */
@Tag("long")
class SdpFuzzTest {

    @FuzzTest
    void offer(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        SessionDescription sdp;
        try {
            sdp = SessionDescription.parse(text);
        } catch (SdpException e) {
            return;
        }
        sdp.bundleMids();
        sdp.iceLite();
        List<CodecMatch> codecs = new ArrayList<>();
        for (MediaDescription m : sdp.media()) {
            sdp.ice(m);
            sdp.setup(m);
            try {
                Optional<Fingerprint> fp = sdp.fingerprint(m);
                if (fp.isPresent()) {
                    fp.get().bytes();
                }
            } catch (SdpException e) {
                // A fingerprint that is not hex is reported, not thrown as something else.
            }
            m.direction();
            m.candidates();
            codecs.add(
                    m.rtpMaps().isEmpty()
                            ? null
                            : m.findCodec(m.rtpMaps().get(0).encoding(), p -> true)
                                    .orElse(null));
        }
        ServerPeers.Offer offer;
        try {
            offer = ServerPeers.parseOffer(text);
        } catch (SdpException e) {
            return;
        }
        assertEquals(32, offer.remoteFingerprint().length, "a sha-256 fingerprint has 32 bytes");
        answerReparses(offer.sdp(), codecs);
    }

    private static void answerReparses(SessionDescription offer, List<CodecMatch> codecs) {
        AnswerBuilder answer = new AnswerBuilder(offer)
                .iceLite(true)
                .ice("abcd", "0123456789abcdefghijkl")
                .fingerprint("sha-256", "AB:CD")
                .candidate("192.0.2.1", 10000, 2130706431L);
        List<String> acceptedMids = new ArrayList<>();
        for (int i = 0; i < codecs.size(); i++) {
            if (codecs.get(i) != null) {
                answer.accept(i, MediaAnswer.receive(MediaDescription.Direction.RECVONLY, codecs.get(i)));
                if (offer.media().get(i).mid() != null) {
                    acceptedMids.add(offer.media().get(i).mid());
                }
            }
        }
        String written = answer.build();
        SessionDescription reparsed;
        try {
            reparsed = SessionDescription.parse(written);
        } catch (SdpException e) {
            throw new AssertionError("our answer does not parse: " + e.getMessage() + "\n" + written, e);
        }
        assertEquals(offer.media().size(), reparsed.media().size());
        assertEquals(acceptedMids, reparsed.bundleMids());
        for (int i = 0; i < codecs.size(); i++) {
            MediaDescription m = reparsed.media().get(i);
            assertEquals(offer.media().get(i).mid(), m.mid());
            if (codecs.get(i) == null) {
                assertEquals(0, m.port());
                continue;
            }
            CodecMatch codec = codecs.get(i);
            assertTrue(m.rtpMaps().contains(codec.rtpMap()), () -> "codec " + codec.rtpMap() + " lost in\n" + written);
            assertEquals(
                    codec.fmtpParams(),
                    m.findCodec(codec.rtpMap().encoding(), p -> true)
                            .orElseThrow()
                            .fmtpParams());
        }
    }
}
