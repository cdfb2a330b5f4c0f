package dev.lancast.rtc.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtcpTest {
    private final RtcpPacket rtcp = new RtcpPacket();
    private final byte[] buf = new byte[1500];

    @Test
    void compoundSenderReportAndSdes() {
        long ntp = NtpTime.fromEpochMillis(1_700_000_000_123L);
        int n = RtcpWriter.writeSenderReport(buf, 0, 0xAABBCCDDL, ntp, 90000, 10, 12000);
        n += RtcpWriter.writeSdesCname(buf, n, 0xAABBCCDDL, "lancast");
        assertTrue(rtcp.wrap(buf, 0, n), rtcp.invalidReason());
        assertTrue(rtcp.next());
        assertEquals(RtcpPacket.SR, rtcp.packetType());
        assertEquals(0xAABBCCDDL, rtcp.senderSsrc());
        assertEquals(ntp, rtcp.srNtpTimestamp());
        assertEquals(90000, rtcp.srRtpTimestamp());
        assertEquals(10, rtcp.srPacketCount());
        assertEquals(12000, rtcp.srOctetCount());
        assertTrue(rtcp.next());
        assertEquals(RtcpPacket.SDES, rtcp.packetType());
        assertFalse(rtcp.next());
    }

    @Test
    void receiverReportBlocks() {
        int n = RtcpWriter.writeReceiverReport(buf, 0, 1, new ReportBlock(2, 25, 300, 70000, 12, 0x12345678L, 655));
        assertTrue(rtcp.wrap(buf, 0, n));
        rtcp.next();
        assertEquals(1, rtcp.reportCount());
        assertEquals(2, rtcp.reportSsrc(0));
        assertEquals(25, rtcp.reportFractionLost(0));
        assertEquals(300, rtcp.reportCumulativeLost(0));
        assertEquals(70000, rtcp.reportHighestSeq(0));
        assertEquals(12, rtcp.reportJitter(0));
        assertEquals(0x12345678L, rtcp.reportLsr(0));
        assertEquals(655, rtcp.reportDlsr(0));
    }

    @Test
    void keyframeRequests() {
        int n = RtcpWriter.writePli(buf, 0, 1, 0x01020304L);
        n += RtcpWriter.writeFir(buf, n, 1, 0x05060708L, 3);
        assertTrue(rtcp.wrap(buf, 0, n));
        rtcp.next();
        assertTrue(rtcp.isPli());
        assertEquals(0x01020304L, rtcp.keyframeSsrc());
        rtcp.next();
        assertTrue(rtcp.isFir());
        assertEquals(0x05060708L, rtcp.keyframeSsrc());
    }

    @Test
    void rembEncodesLargeBitratesWithAnExponent() {
        for (long bitrate : new long[] {2_500_000L, 30_000L, 1_000_000_000L}) {
            int n = RtcpWriter.writeRemb(buf, 0, 1, bitrate, 10, 11);
            assertTrue(rtcp.wrap(buf, 0, n));
            rtcp.next();
            assertTrue(rtcp.isRemb());
            long decoded = rtcp.rembBitrate();
            assertTrue(decoded <= bitrate && decoded >= bitrate - (bitrate >> 17), bitrate + " -> " + decoded);
        }
    }

    /** Found by RtcpFuzzTest: exponent 63 shifted the 18-bit mantissa into a negative bitrate. */
    @Test
    void aRembBeyondWhatALongHoldsSaturates() {
        byte[] remb = java.util.HexFormat.of().parseHex("8fce00050000000100000000524d4d42" + "07f3dcba11223344");
        remb[13] = 'E';
        assertTrue(rtcp.wrap(remb, 0, remb.length));
        rtcp.next();
        assertTrue(rtcp.isRemb());
        assertEquals(Long.MAX_VALUE, rtcp.rembBitrate());
    }

    @Test
    void nackPacksRunsAcrossTheWrap() {
        int[] lost = {65534, 65535, 0, 5, 100};
        int n = RtcpWriter.writeNack(buf, 0, 1, 2, lost, lost.length);
        assertTrue(rtcp.wrap(buf, 0, n));
        rtcp.next();
        assertTrue(rtcp.isNack());
        assertEquals(2, rtcp.nackCount(), "65534..5 fit one PID+BLP, 100 needs another");
        List<Integer> seen = new ArrayList<>();
        rtcp.forEachNackedSequence(seen::add);
        assertEquals(List.of(65534, 65535, 0, 5, 100), seen);
    }

    @Test
    void malformedCompoundsAreRejectedWithAReason() {
        int n = RtcpWriter.writePli(buf, 0, 1, 2);
        assertFalse(rtcp.wrap(buf, 0, 4));
        assertEquals("shorter than an RTCP header", rtcp.invalidReason());
        buf[3] = 9; // length points past the end
        assertFalse(rtcp.wrap(buf, 0, n));
        assertEquals("RTCP length field points past the end", rtcp.invalidReason());
        RtcpWriter.writePli(buf, 0, 1, 2);
        buf[0] = 0x41;
        assertFalse(rtcp.wrap(buf, 0, n));
        assertEquals("RTCP version is not 2", rtcp.invalidReason());
        int rr = RtcpWriter.writeReceiverReport(buf, 0, 1, new ReportBlock(2, 0, 0, 0, 0, 0, 0));
        buf[0] = (byte) 0x83; // claims three blocks
        assertFalse(rtcp.wrap(buf, 0, rr));
        assertEquals("report blocks overrun the packet", rtcp.invalidReason());
        byte[] truncatedFeedback = {(byte) 0x81, (byte) 206, 0, 1, 0, 0, 0, 1};
        assertFalse(rtcp.wrap(truncatedFeedback, 0, truncatedFeedback.length));
        assertEquals("feedback packet shorter than 12 bytes", rtcp.invalidReason());
    }
}
