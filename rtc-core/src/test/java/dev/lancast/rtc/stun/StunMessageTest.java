package dev.lancast.rtc.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** RFC 5769 test vectors, round trips and malformed input. */
class StunMessageTest {
    private static final byte[] PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);

    // RFC 5769 2.1: sample request
    private static final byte[] REQUEST =
            hex("000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e74"
                    + "002400046e0001ff80290008932ff9b151263b36000600096576746a3a68367659202020"
                    + "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf");
    // RFC 5769 2.2: sample IPv4 response
    private static final byte[] RESPONSE_V4 =
            hex("0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220"
                    + "002000080001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7"
                    + "80280004c07d4c96");
    // RFC 5769 2.3: sample IPv6 response
    private static final byte[] RESPONSE_V6 =
            hex("010100482112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220"
                    + "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
                    + "00080014a382954e4be67bf11784c97c8292c275bfe3ed41"
                    + "80280004c8fb0b4c");

    @Test
    void rfc5769SampleRequest() throws StunException {
        StunMessage m = StunMessage.parse(REQUEST, 0, REQUEST.length);
        assertTrue(m.isBindingRequest());
        assertEquals("evtj:h6vY", m.username());
        assertEquals(0x6e0001ffL, m.priority());
        assertEquals(0x932ff9b151263b36L, m.iceControlled());
        assertTrue(m.verifyMessageIntegrity(PASSWORD));
        assertTrue(m.verifyFingerprint());
        assertFalse(m.verifyMessageIntegrity("wrong".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void rfc5769Ipv4Response() throws Exception {
        StunMessage m = StunMessage.parse(RESPONSE_V4, 0, RESPONSE_V4.length);
        assertTrue(m.isBindingSuccess());
        assertEquals(new InetSocketAddress("192.0.2.1", 32853), m.xorMappedAddress());
        assertTrue(m.verifyMessageIntegrity(PASSWORD));
        assertTrue(m.verifyFingerprint());
    }

    @Test
    void rfc5769Ipv6Response() throws Exception {
        StunMessage m = StunMessage.parse(RESPONSE_V6, 0, RESPONSE_V6.length);
        assertEquals(new InetSocketAddress("2001:db8:1234:5678:11:2233:4455:6677", 32853), m.xorMappedAddress());
        assertTrue(m.verifyMessageIntegrity(PASSWORD));
        assertTrue(m.verifyFingerprint());
    }

    @Test
    void builtMessagesVerifyAndRoundTrip() throws Exception {
        byte[] tx = hex("0102030405060708090a0b0c");
        byte[] key = "secret-password-of-24-ch".getBytes(StandardCharsets.UTF_8);
        byte[] request = new StunMessageBuilder()
                .bindingRequest(tx)
                .username("abcd:efgh")
                .priority(0x7E0000FFL)
                .iceControlling(42)
                .useCandidate()
                .build(key, true);
        StunMessage m = StunMessage.parse(request, 0, request.length);
        assertEquals("abcd:efgh", m.username());
        assertEquals(0x7E0000FFL, m.priority());
        assertEquals(42L, m.iceControlling());
        assertTrue(m.useCandidate());
        assertArrayEquals(tx, m.transactionId());
        assertTrue(m.verifyMessageIntegrity(key));
        assertTrue(m.verifyFingerprint());

        byte[] response = new StunMessageBuilder()
                .bindingSuccess(tx)
                .xorMappedAddress(new InetSocketAddress("198.18.0.9", 40000))
                .build(key, true);
        StunMessage r = StunMessage.parse(response, 0, response.length);
        assertEquals(new InetSocketAddress("198.18.0.9", 40000), r.xorMappedAddress());
        assertTrue(r.verifyMessageIntegrity(key));
    }

    @Test
    void aFlippedBitFailsIntegrityAndFingerprint() throws Exception {
        byte[] copy = REQUEST.clone();
        copy[30] ^= 0x01; // inside SOFTWARE
        StunMessage m = StunMessage.parse(copy, 0, copy.length);
        assertFalse(m.verifyMessageIntegrity(PASSWORD));
        assertFalse(m.verifyFingerprint());
    }

    @Test
    void malformedMessagesAreRejectedWithAReason() {
        assertEquals(
                "message of 10 bytes is shorter than the 20-byte header",
                assertThrows(StunException.class, () -> StunMessage.parse(REQUEST, 0, 10))
                        .getMessage());
        byte[] badCookie = REQUEST.clone();
        badCookie[4] = 0;
        assertEquals(
                "magic cookie is not 0x2112A442",
                assertThrows(StunException.class, () -> StunMessage.parse(badCookie, 0, badCookie.length))
                        .getMessage());
        assertTrue(assertThrows(StunException.class, () -> StunMessage.parse(REQUEST, 0, REQUEST.length - 4))
                .getMessage()
                .startsWith("message length field says 88"));
        byte[] overrun = REQUEST.clone();
        overrun[22] = 0x01; // SOFTWARE length 0x0110
        assertEquals(
                "attribute 0x8022 length 272 overruns message of 108 bytes",
                assertThrows(StunException.class, () -> StunMessage.parse(overrun, 0, overrun.length))
                        .getMessage());
        byte[] odd = REQUEST.clone();
        odd[3] = 0x57;
        assertThrows(StunException.class, () -> StunMessage.parse(odd, 0, odd.length));
    }

    /** Found by StunFuzzTest: number 255 of class 7 read as code 955, which no builder can write back. */
    @Test
    void anErrorCodeOutside300To699IsMalformed() throws Exception {
        byte[] tx = hex("0102030405060708090a0b0c");
        byte[] ok =
                new StunMessageBuilder().bindingError(tx, 487, "Role Conflict").build(null, true);
        assertEquals(487, StunMessage.parse(ok, 0, ok.length).errorCode());
        byte[] bad = hex("011100202112a442" + "0102030405060708090a0b0c" + "00090011ffffffffffffffff"
                + "20436f6e666c696374000000" + "80280004894f8cdd");
        assertEquals(
                "ERROR-CODE class 7 number 255 is not a code 300..699",
                assertThrows(StunException.class, () -> StunMessage.parse(bad, 0, bad.length))
                        .getMessage());
    }

    @Test
    void demultiplexingCheck() {
        assertTrue(StunMessage.looksLikeStun(REQUEST, 0, REQUEST.length));
        byte[] rtp = new byte[40];
        rtp[0] = (byte) 0x80;
        assertFalse(StunMessage.looksLikeStun(rtp, 0, rtp.length));
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
