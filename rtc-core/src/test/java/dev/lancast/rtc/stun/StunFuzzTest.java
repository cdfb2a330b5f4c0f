package dev.lancast.rtc.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;

/**
 * Any datagram on the ICE port that claims to be STUN: parsing either succeeds or throws
 * StunException; a parsed binding message rebuilt with the same attributes parses back to equal
 * values and verifies. Seeds: StunFuzzTestInputs/datagram (RFC 5769 vectors, our own messages).
 */
@Tag("long")
class StunFuzzTest {
    private static final byte[] KEY = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);

    @FuzzTest
    void datagram(byte[] datagram) {
        StunMessage m;
        try {
            m = StunMessage.parse(datagram, 0, datagram.length);
        } catch (StunException e) {
            return;
        }
        assertTrue(StunMessage.looksLikeStun(datagram, 0, datagram.length), "parsed but not demultiplexed as STUN");
        m.verifyMessageIntegrity(KEY);
        m.verifyFingerprint();
        if (m.isBindingRequest() || m.isBindingSuccess() || m.isBindingError()) {
            rebuilt(m);
        }
    }

    private static void rebuilt(StunMessage m) {
        StunMessageBuilder b = new StunMessageBuilder();
        if (m.isBindingRequest()) {
            b.bindingRequest(m.transactionId());
        } else if (m.isBindingSuccess()) {
            b.bindingSuccess(m.transactionId());
        } else {
            b.bindingError(m.transactionId(), m.errorCode() == null ? 400 : m.errorCode(), "x");
        }
        if (m.username() != null) {
            b.username(m.username());
        }
        if (m.priority() != null) {
            b.priority(m.priority());
        }
        if (m.useCandidate()) {
            b.useCandidate();
        }
        if (m.iceControlling() != null) {
            b.iceControlling(m.iceControlling());
        }
        if (m.iceControlled() != null) {
            b.iceControlled(m.iceControlled());
        }
        if (m.xorMappedAddress() != null) {
            b.xorMappedAddress(m.xorMappedAddress());
        }
        byte[] out = b.build(KEY, true);
        StunMessage again;
        try {
            again = StunMessage.parse(out, 0, out.length);
        } catch (StunException e) {
            throw new AssertionError("our own message does not parse: " + e.getMessage(), e);
        }
        assertEquals(m.messageType(), again.messageType());
        assertArrayEquals(m.transactionId(), again.transactionId());
        assertEquals(m.priority(), again.priority());
        assertEquals(m.useCandidate(), again.useCandidate());
        assertEquals(m.iceControlling(), again.iceControlling());
        assertEquals(m.iceControlled(), again.iceControlled());
        assertEquals(m.xorMappedAddress(), again.xorMappedAddress());
        if (m.isBindingError()) {
            assertEquals(m.errorCode() == null ? 400 : m.errorCode(), again.errorCode());
        }
        if (m.username() != null) {
            // A username that is not UTF-8 was decoded with replacement characters; those survive.
            assertEquals(m.username(), again.username());
        }
        assertTrue(again.verifyMessageIntegrity(KEY), "MESSAGE-INTEGRITY of our own message");
        assertTrue(again.verifyFingerprint(), "FINGERPRINT of our own message");
    }
}
