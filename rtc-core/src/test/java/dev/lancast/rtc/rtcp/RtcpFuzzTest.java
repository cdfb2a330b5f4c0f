package dev.lancast.rtc.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;

/**
 * Any decrypted compound RTCP packet: {@link RtcpPacket#wrap} either rejects it with a reason or
 * every getter the bridge and gateway call on a sub-packet of that type reads inside the packet,
 * and the sub-packets tile the compound exactly. Seeds: RtcpFuzzTestInputs/compound (our
 * writer's SR, RR, SDES, PLI, FIR, NACK, REMB, BYE).
 */
@Tag("long")
class RtcpFuzzTest {

    @FuzzTest
    void compound(byte[] packet) {
        // Slack after the packet: a read past its end would not fail, so the offsets are checked instead.
        byte[] buf = Arrays.copyOf(packet, packet.length + 64);
        RtcpPacket rtcp = new RtcpPacket();
        if (!rtcp.wrap(buf, 0, packet.length)) {
            assertTrue(rtcp.invalidReason() != null && !rtcp.invalidReason().isEmpty());
            return;
        }
        int covered = 0;
        while (rtcp.next()) {
            assertEquals(covered, rtcp.packetOffset());
            int end = rtcp.packetOffset() + rtcp.packetLength();
            assertTrue(end <= packet.length, "sub-packet runs past the compound");
            covered = end;
            rtcp.senderSsrc();
            switch (rtcp.packetType()) {
                case RtcpPacket.SR -> {
                    rtcp.srNtpTimestamp();
                    rtcp.srRtpTimestamp();
                    rtcp.srPacketCount();
                    rtcp.srOctetCount();
                    blocks(rtcp, end);
                }
                case RtcpPacket.RR -> blocks(rtcp, end);
                case RtcpPacket.PSFB, RtcpPacket.RTPFB -> {
                    rtcp.mediaSsrc();
                    if (rtcp.isPli() || rtcp.isFir()) {
                        rtcp.keyframeSsrc();
                    }
                    if (rtcp.isRemb()) {
                        assertTrue(rtcp.rembBitrate() >= 0, "negative REMB bitrate");
                    }
                    int[] last = {-1};
                    rtcp.forEachNackedSequence(seq -> {
                        assertTrue(seq >= 0 && seq <= 0xFFFF);
                        last[0] = seq;
                    });
                    assertTrue(rtcp.isNack() || last[0] < 0);
                    assertTrue(12 + 4 * rtcp.nackCount() <= rtcp.packetLength());
                }
                default -> {}
            }
        }
        assertEquals(packet.length, covered, "sub-packets do not cover the compound");
    }

    private static void blocks(RtcpPacket rtcp, int end) {
        for (int i = 0; i < rtcp.reportCount(); i++) {
            rtcp.reportSsrc(i);
            rtcp.reportFractionLost(i);
            long lost = rtcp.reportCumulativeLost(i);
            assertTrue(lost >= -(1 << 23) && lost < (1 << 23));
            rtcp.reportHighestSeq(i);
            rtcp.reportJitter(i);
            rtcp.reportLsr(i);
            rtcp.reportDlsr(i);
        }
        int blocksEnd = rtcp.packetOffset() + (rtcp.packetType() == RtcpPacket.SR ? 28 : 8) + 24 * rtcp.reportCount();
        assertTrue(blocksEnd <= end, "report blocks run past the sub-packet");
    }
}
