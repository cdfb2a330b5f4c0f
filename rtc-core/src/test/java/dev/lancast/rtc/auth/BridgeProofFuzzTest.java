package dev.lancast.rtc.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;

/**
 * What a gateway reads from whoever answers its proof request (anyone on the LAN may), and what a
 * bridge reads from whoever asks (the nonce): either an IllegalArgumentException or exactly 32
 * bytes that write back as the same hex. Seeds: BridgeProofFuzzTestInputs/answer.
 */
@Tag("long")
class BridgeProofFuzzTest {
    private static final byte[] KEY = new byte[32];

    @FuzzTest
    void answer(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            byte[] proof = BridgeProof.parseProof(text);
            assertEquals(BridgeProof.PROOF_BYTES, proof.length);
            assertArrayEquals(proof, BridgeProof.parseProof(BridgeProof.hex(proof)));
            // What the gateway then does with it: compare, in constant time, with what it expects.
            BridgeProof.matches(BridgeProof.proof(KEY, new byte[BridgeProof.NONCE_BYTES], body, "gw-a"), proof);
        } catch (IllegalArgumentException refused) {
            // the documented refusal
        }
        try {
            byte[] nonce = BridgeProof.parseNonce(text);
            assertEquals(BridgeProof.NONCE_BYTES, nonce.length);
            assertEquals(text.toLowerCase(java.util.Locale.ROOT), BridgeProof.hex(nonce));
        } catch (IllegalArgumentException refused) {
            // the documented refusal
        }
    }
}
