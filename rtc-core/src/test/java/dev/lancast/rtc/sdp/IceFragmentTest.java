package dev.lancast.rtc.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** trickle-ice-sdpfrag bodies (RFC 8840 9) as WHIP/WHEP clients PATCH them (RFC 9725 4.3). */
class IceFragmentTest {
    /** The shape of RFC 9725's trickle example: credentials, one m-line of the bundle, candidates. */
    private static final String TRICKLE = "a=ice-options:trickle ice2\r\n"
            + "a=group:BUNDLE 0 1\r\n"
            + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
            + "a=mid:0\r\n"
            + "a=ice-ufrag:EsAw\r\n"
            + "a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y\r\n"
            + "a=candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0 ufrag EsAw network-id 1\r\n"
            + "a=candidate:3471623853 1 udp 2122194687 198.51.100.2 61765 typ host generation 0 ufrag EsAw network-id 2\r\n"
            + "a=candidate:473322822 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active generation 0 ufrag EsAw network-id 1\r\n"
            + "a=end-of-candidates\r\n";

    @Test
    void aTrickleFragmentParses() throws Exception {
        IceFragment f = IceFragment.parse(TRICKLE);
        assertEquals("EsAw", f.ufrag());
        assertEquals("bP+XJMM09aR8AiX1jdukzR6Y", f.pwd());
        assertEquals(List.of("0"), f.mids());
        assertEquals(3, f.candidates().size());
        assertEquals("tcp", f.candidates().get(2).transport());
        assertTrue(f.endOfCandidates());
        assertEquals("m=audio 9 UDP/TLS/RTP/SAVPF 111", f.mediaLine());
    }

    @Test
    void credentialsAreOptional() throws Exception {
        IceFragment f = IceFragment.parse("a=candidate:1 1 udp 1 192.0.2.1 5000 typ host\r\n");
        assertEquals(null, f.ufrag());
        assertFalse(f.endOfCandidates());
    }

    @Test
    void ourRestartAnswerParsesBackWithTheClientsSection() throws Exception {
        String answer = IceFragment.parse(TRICKLE)
                .answer("NeWu", "0123456789012345678901", AnswerBuilder.hostCandidate("127.0.0.1", 10000, 2130706431L));
        IceFragment back = IceFragment.parse(answer);
        assertEquals("NeWu", back.ufrag());
        assertEquals("0123456789012345678901", back.pwd());
        assertEquals(List.of("0"), back.mids());
        assertEquals("m=audio 9 UDP/TLS/RTP/SAVPF 111", back.mediaLine());
        assertEquals(10000, back.candidates().get(0).port());
        assertTrue(back.endOfCandidates());
    }

    @Test
    void badFragmentsAreRefusedWithTheirLine() {
        assertEquals(
                "line 1: an SDP fragment has only a= and m= lines (RFC 8840 9.2) in \"v=0\"",
                assertThrows(SdpException.class, () -> IceFragment.parse("v=0\r\n"))
                        .getMessage());
        assertEquals(
                "line 1: malformed candidate in \"a=candidate:broken\"",
                assertThrows(SdpException.class, () -> IceFragment.parse("a=candidate:broken\r\n"))
                        .getMessage());
        assertEquals(
                "the SDP fragment has a=ice-ufrag without a=ice-pwd",
                assertThrows(SdpException.class, () -> IceFragment.parse("a=ice-ufrag:abcd\r\n"))
                        .getMessage());
        assertEquals(
                "line 2: a second, different ICE credential in one fragment in \"a=ice-ufrag:efgh\"",
                assertThrows(SdpException.class, () -> IceFragment.parse("a=ice-ufrag:abcd\r\na=ice-ufrag:efgh\r\n"))
                        .getMessage());
        assertTrue(assertThrows(SdpException.class, () -> IceFragment.parse("a=mid:0\u0000\r\n"))
                .getMessage()
                .contains("control character 0x00"));
        // Found by IceFragmentFuzzTest: a=mid without a value (was a NullPointerException, a 500 to
        // the PATCH), and numbers that parse but are no port, component or priority.
        assertEquals(
                "line 1: a=mid needs a value in \"a=mid\"",
                assertThrows(SdpException.class, () -> IceFragment.parse("a=mid\r\n"))
                        .getMessage());
        assertEquals(
                "line 1: malformed candidate: port 99999 is not 0..65535 in \"a=candidate:1 1 udp 1 192.0.2.1 99999 typ host\"",
                assertThrows(
                                SdpException.class,
                                () -> IceFragment.parse("a=candidate:1 1 udp 1 192.0.2.1 99999 typ host\r\n"))
                        .getMessage());
        assertTrue(assertThrows(
                        SdpException.class, () -> IceFragment.parse("a=candidate:1 0 udp 1 192.0.2.1 9 typ host\r\n"))
                .getMessage()
                .contains("component 0 is not 1..256"));
        assertTrue(assertThrows(
                        SdpException.class, () -> IceFragment.parse("a=candidate:1 1 udp -3 192.0.2.1 9 typ host\r\n"))
                .getMessage()
                .contains("priority -3"));
    }
}
