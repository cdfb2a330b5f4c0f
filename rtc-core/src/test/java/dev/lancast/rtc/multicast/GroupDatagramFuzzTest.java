package dev.lancast.rtc.multicast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lancast.rtc.rtcp.RtcpPacket;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.srtp.SrtpProfile;
import dev.lancast.rtc.srtp.SrtpReceiver;
import dev.lancast.rtc.srtp.SrtpSender;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;

/**
 * Any datagram on a group or the feedback port, through the gateway's receive path (key id, then
 * SRTP or SRTCP with the group key, then the RTP view): it is dropped with a reason or yields a
 * packet inside the datagram. The part after the shim, taken as plain RTP or RTCP, survives
 * protect, frame, receive unchanged. Seeds: GroupDatagramFuzzTestInputs/datagram.
 */
@Tag("long")
class GroupDatagramFuzzTest {
    private static final GroupKey KEY = GroupKey.fromHex(7, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b");
    private static final int ROOM = 64;

    @FuzzTest
    void datagram(byte[] datagram) {
        try (SrtpReceiver receiver = new SrtpReceiver(SrtpProfile.AEAD_AES_128_GCM, KEY.key(), KEY.salt(), 1024)) {
            received(receiver, Arrays.copyOf(datagram, datagram.length), datagram.length);
        }
        if (datagram.length <= GroupWireFormat.HEADER_LENGTH) {
            return;
        }
        byte[] plain = Arrays.copyOfRange(datagram, GroupWireFormat.HEADER_LENGTH, datagram.length);
        boolean rtcp = RtpPacket.isRtcp(plain, 0, plain.length);
        boolean valid =
                rtcp ? new RtcpPacket().wrap(plain, 0, plain.length) : new RtpPacket().wrap(plain, 0, plain.length);
        if (valid) {
            roundTrip(plain, rtcp);
        }
    }

    /** What StreamRelay.onDatagram does before handing the packet on; returns the plain length or -1. */
    private static int received(SrtpReceiver receiver, byte[] buf, int len) {
        int keyId = GroupWireFormat.keyId(buf, 0, len);
        if (keyId < 0) {
            return -1;
        }
        assertTrue(len >= GroupWireFormat.HEADER_LENGTH + 12 && buf[0] == 'L' && buf[1] == 'C');
        int start = GroupWireFormat.HEADER_LENGTH;
        int size = len - start;
        boolean rtcp = RtpPacket.isRtcp(buf, start, size);
        int n = rtcp ? receiver.unprotectRtcp(buf, start, size) : receiver.unprotectRtp(buf, start, size);
        if (n < 0) {
            assertTrue(
                    n == SrtpReceiver.AUTH_FAIL || n == SrtpReceiver.REPLAY || n == SrtpReceiver.INVALID, "code " + n);
            return -1;
        }
        assertTrue(n <= size, "plain packet longer than the datagram");
        if (!rtcp) {
            new RtpPacket().wrap(buf, start, n);
        }
        return n;
    }

    private static void roundTrip(byte[] plain, boolean rtcp) {
        byte[] buf = new byte[GroupWireFormat.HEADER_LENGTH + plain.length + ROOM];
        GroupWireFormat.writeHeader(buf, 0, KEY.id());
        System.arraycopy(plain, 0, buf, GroupWireFormat.HEADER_LENGTH, plain.length);
        try (SrtpSender sender = new SrtpSender(SrtpProfile.AEAD_AES_128_GCM, KEY.key(), KEY.salt());
                SrtpReceiver receiver = new SrtpReceiver(SrtpProfile.AEAD_AES_128_GCM, KEY.key(), KEY.salt(), 1024)) {
            int n = rtcp
                    ? sender.protectRtcp(buf, GroupWireFormat.HEADER_LENGTH, plain.length)
                    : sender.protectRtp(buf, GroupWireFormat.HEADER_LENGTH, plain.length);
            if (n < 0) {
                return;
            }
            int len = GroupWireFormat.HEADER_LENGTH + n;
            assertEquals(KEY.id(), GroupWireFormat.keyId(buf, 0, len));
            int back = received(receiver, buf, len);
            assertEquals(plain.length, back, "protected packet not received back");
            assertArrayEquals(
                    plain,
                    Arrays.copyOfRange(buf, GroupWireFormat.HEADER_LENGTH, GroupWireFormat.HEADER_LENGTH + back));
        }
    }
}
