package dev.lancast.rtc.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;

/**
 * Any bytes as a WHIP/WHEP PATCH body (application/trickle-ice-sdpfrag, RFC 8840): parsing either
 * succeeds or throws SdpException, never anything else, and what it accepts is consistent:
 * credentials come in pairs, every candidate has a port, a parsed fragment's candidates parse again
 * from their own text. Seeds: IceFragmentFuzzTestInputs/fragment (trickle and ICE-restart fragments).
 */
@Tag("long")
class IceFragmentFuzzTest {

    @FuzzTest
    void fragment(byte[] body) {
        IceFragment f;
        try {
            f = IceFragment.parse(new String(body, StandardCharsets.UTF_8));
        } catch (SdpException e) {
            return;
        }
        assertEquals(f.ufrag() == null, f.pwd() == null, "an ICE restart names both ufrag and pwd, or neither");
        assertTrue(f.candidates().size() <= body.length, "no more candidates than the body could hold");
        for (Candidate c : f.candidates()) {
            assertTrue(c.port() >= 0 && c.port() <= 65535, "candidate port " + c.port());
        }
    }
}
