package dev.lancast.rtc.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RtpPacketTest {
    private final RtpPacket rtp = new RtpPacket();

    private static byte[] packet(int extensionWords, int padding) {
        byte[] b = new byte[12 + (extensionWords > 0 ? 4 + 4 * extensionWords : 0) + 5 + padding];
        RtpPacket.writeHeader(b, 0, true, 96, 65535, 0xFFFFFFF0L, 0x11223344L);
        int pos = 12;
        if (extensionWords > 0) {
            b[0] |= 0x10;
            b[pos] = (byte) 0xBE;
            b[pos + 1] = (byte) 0xDE;
            b[pos + 3] = (byte) extensionWords;
            b[pos + 4] = 0x10; // id 1, length 1
            b[pos + 5] = 0x7F;
            pos += 4 + 4 * extensionWords;
        }
        for (int i = 0; i < 5; i++) {
            b[pos + i] = (byte) (i + 1);
        }
        if (padding > 0) {
            b[0] |= 0x20;
            b[b.length - 1] = (byte) padding;
        }
        return b;
    }

    @Test
    void readsTheHeader() {
        byte[] b = packet(0, 0);
        assertTrue(rtp.wrap(b, 0, b.length));
        assertEquals(2, rtp.version());
        assertTrue(rtp.marker());
        assertEquals(96, rtp.payloadType());
        assertEquals(65535, rtp.sequenceNumber());
        assertEquals(0xFFFFFFF0L, rtp.timestamp());
        assertEquals(0x11223344L, rtp.ssrc());
        assertEquals(12, rtp.headerLength());
        assertEquals(5, rtp.payloadLength());
    }

    @Test
    void settersWriteThrough() {
        byte[] b = packet(0, 0);
        rtp.wrap(b, 0, b.length);
        rtp.setPayloadType(111);
        rtp.setSequenceNumber(7);
        rtp.setTimestamp(0xABCDEF01L);
        rtp.setSsrc(0xFEDCBA98L);
        rtp.setMarker(false);
        RtpPacket again = new RtpPacket();
        assertTrue(again.wrap(b, 0, b.length));
        assertEquals(111, again.payloadType());
        assertEquals(7, again.sequenceNumber());
        assertEquals(0xABCDEF01L, again.timestamp());
        assertEquals(0xFEDCBA98L, again.ssrc());
        assertFalse(again.marker());
    }

    @Test
    void extensionAndPaddingAreAccountedFor() {
        byte[] b = packet(1, 3);
        assertTrue(rtp.wrap(b, 0, b.length));
        assertEquals(0xBEDE, rtp.extensionProfile());
        assertEquals(20, rtp.headerLength());
        assertEquals(3, rtp.paddingLength());
        assertEquals(5, rtp.payloadLength());
    }

    @Test
    void removingExtensionsKeepsThePayload() {
        byte[] b = packet(1, 0);
        rtp.wrap(b, 0, b.length);
        int n = rtp.removeExtensions();
        assertEquals(b.length - 8, n);
        assertTrue(rtp.wrap(b, 0, n));
        assertFalse(rtp.hasExtension());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, Arrays.copyOfRange(b, 12, 17));
    }

    @Test
    void malformedPacketsAreRejectedWithAReason() {
        assertFalse(rtp.wrap(new byte[8], 0, 8));
        assertEquals("shorter than the 12-byte RTP header", rtp.invalidReason());
        byte[] v1 = packet(0, 0);
        v1[0] = 0x40;
        assertFalse(rtp.wrap(v1, 0, v1.length));
        assertEquals("RTP version is not 2", rtp.invalidReason());
        byte[] csrc = packet(0, 0);
        csrc[0] |= 0x0F;
        assertFalse(rtp.wrap(csrc, 0, csrc.length));
        assertEquals("CSRC list overruns the packet", rtp.invalidReason());
        byte[] ext = packet(1, 0);
        ext[15] = 40;
        assertFalse(rtp.wrap(ext, 0, ext.length));
        assertEquals("header extension overruns the packet", rtp.invalidReason());
        byte[] pad = packet(0, 2);
        pad[pad.length - 1] = (byte) 200;
        assertFalse(rtp.wrap(pad, 0, pad.length));
        assertEquals("bad padding length", rtp.invalidReason());
    }

    @Test
    void rtcpIsToldFromRtp() {
        byte[] b = packet(0, 0);
        assertFalse(RtpPacket.isRtcp(b, 0, b.length));
        b[1] = (byte) 200;
        assertTrue(RtpPacket.isRtcp(b, 0, b.length));
    }

    @Test
    void sequenceArithmeticAcrossTheWrap() {
        assertTrue(SequenceNumbers.isNewer(2, 65534));
        assertEquals(-4, SequenceNumbers.diff(65534, 2));
    }

    @Test
    void receiveStatisticsCountLossAcrossTheWrap() {
        RtpReceiveStatistics stats = new RtpReceiveStatistics();
        int[] seqs = {65533, 65534, 0, 1, 3, 2, 5};
        for (int s : seqs) {
            stats.update(s, 0, 0);
        }
        // expected 65533..5 = 9 packets, received 7: 65535 and 4 lost
        assertEquals(65536 + 5, stats.extendedHighestSeq());
        assertEquals(2, stats.cumulativeLost());
        assertEquals(2 * 256 / 9, stats.fractionLostAndReset());
        assertEquals(0, stats.fractionLostAndReset());
    }
}
