package dev.lancast.rtc.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SendTimeTest {
    private static byte[] packet(int csrcs, int payloadLen, int room) {
        byte[] b = new byte[RtpPacket.FIXED_HEADER + 4 * csrcs + payloadLen + room];
        RtpPacket.writeHeader(b, 0, true, 96, 4242, 90000L, 0x11223344L);
        b[0] |= (byte) csrcs;
        for (int i = 0; i < payloadLen; i++) {
            b[RtpPacket.FIXED_HEADER + 4 * csrcs + i] = (byte) (i * 7);
        }
        return b;
    }

    @Test
    void appendedTimeIsReadBackAndThePayloadIsKept() {
        for (int csrcs : new int[] {0, 2}) {
            byte[] b = packet(csrcs, 100, SendTime.ADDED_BYTES);
            int len = RtpPacket.FIXED_HEADER + 4 * csrcs + 100;
            byte[] payload = Arrays.copyOfRange(b, len - 100, len);
            int n = SendTime.append(b, 0, len, 1_733_000_000_123_456L);
            assertEquals(len + SendTime.ADDED_BYTES, n);
            assertEquals(1_733_000_000_123_456L, SendTime.read(b, 0, n));
            RtpPacket rtp = new RtpPacket();
            assertTrue(rtp.wrap(b, 0, n), rtp.invalidReason());
            assertEquals(4242, rtp.sequenceNumber());
            assertArrayEquals(
                    payload, Arrays.copyOfRange(b, rtp.payloadOffset(), rtp.payloadOffset() + rtp.payloadLength()));
            // The packet round-trips through the stripping the bridge does for the broadcaster's extensions.
            assertEquals(len, rtp.removeExtensions());
            assertEquals(-1, SendTime.read(b, 0, len));
        }
    }

    @Test
    void packetsWithoutRoomOrWithAnExtensionAreLeftAlone() {
        byte[] tight = packet(0, 50, 0);
        assertEquals(62, SendTime.append(tight, 0, 62, 1));
        byte[] b = packet(0, 50, SendTime.ADDED_BYTES * 2);
        int n = SendTime.append(b, 0, 62, 7);
        assertEquals(n, SendTime.append(b, 0, n, 8));
        assertEquals(7, SendTime.read(b, 0, n));
    }

    @Test
    void malformedExtensionsReadAsAbsent() {
        byte[] b = packet(0, 50, SendTime.ADDED_BYTES);
        int n = SendTime.append(b, 0, 62, 99);
        b[RtpPacket.FIXED_HEADER + 3] = 60; // length runs past the packet
        assertEquals(-1, SendTime.read(b, 0, n));
        assertEquals(-1, SendTime.read(b, 0, 5));
    }
}
