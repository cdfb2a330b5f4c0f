package dev.lancast.rtc.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;

/**
 * Any decrypted datagram as RTP: {@link RtpPacket#wrap} either rejects it with a reason or every
 * offset it reports lies inside the packet; the header fields read back after being written; the
 * view gives the same answer wherever the packet sits in a larger buffer; stripping the header
 * extension keeps the payload. Seeds: RtpFuzzTestInputs/packet.
 */
@Tag("long")
class RtpFuzzTest {
    private static final int SHIFT = 7;

    @FuzzTest
    void packet(byte[] packet) {
        RtpPacket rtp = new RtpPacket();
        boolean valid = rtp.wrap(packet, 0, packet.length);
        byte[] shifted = new byte[packet.length + 2 * SHIFT];
        Arrays.fill(shifted, (byte) 0xA5);
        System.arraycopy(packet, 0, shifted, SHIFT, packet.length);
        RtpPacket inside = new RtpPacket();
        assertEquals(valid, inside.wrap(shifted, SHIFT, packet.length), "same bytes at another offset");
        if (!valid) {
            assertTrue(rtp.invalidReason() != null && !rtp.invalidReason().isEmpty());
            return;
        }
        assertEquals(2, rtp.version());
        assertTrue(rtp.headerLength() >= RtpPacket.FIXED_HEADER);
        assertTrue(rtp.payloadLength() >= 0, "negative payload length");
        assertEquals(packet.length, rtp.headerLength() + rtp.payloadLength() + rtp.paddingLength());
        assertEquals(rtp.headerLength(), inside.headerLength());
        assertEquals(rtp.payloadLength(), inside.payloadLength());
        if (rtp.hasExtension()) {
            assertTrue(rtp.extensionOffset() + rtp.extensionLength() <= rtp.payloadOffset());
        }

        byte[] header = new byte[RtpPacket.FIXED_HEADER];
        RtpPacket.writeHeader(
                header, 0, rtp.marker(), rtp.payloadType(), rtp.sequenceNumber(), rtp.timestamp(), rtp.ssrc());
        RtpPacket fixed = new RtpPacket();
        assertTrue(fixed.wrap(header, 0, header.length), fixed.invalidReason());
        assertEquals(rtp.marker(), fixed.marker());
        assertEquals(rtp.payloadType(), fixed.payloadType());
        assertEquals(rtp.sequenceNumber(), fixed.sequenceNumber());
        assertEquals(rtp.timestamp(), fixed.timestamp());
        assertEquals(rtp.ssrc(), fixed.ssrc());

        inside.setSequenceNumber(rtp.sequenceNumber() ^ 0xFFFF);
        inside.setTimestamp(~rtp.timestamp() & 0xFFFFFFFFL);
        inside.setSsrc(~rtp.ssrc() & 0xFFFFFFFFL);
        inside.setPayloadType(rtp.payloadType() ^ 0x7F);
        inside.setMarker(!rtp.marker());
        assertEquals(rtp.sequenceNumber() ^ 0xFFFF, inside.sequenceNumber());
        assertEquals(~rtp.timestamp() & 0xFFFFFFFFL, inside.timestamp());
        assertEquals(~rtp.ssrc() & 0xFFFFFFFFL, inside.ssrc());
        assertEquals(rtp.payloadType() ^ 0x7F, inside.payloadType());
        assertEquals(!rtp.marker(), inside.marker());
        assertEquals((byte) 0xA5, shifted[SHIFT - 1]);
        assertEquals((byte) 0xA5, shifted[SHIFT + packet.length]);

        byte[] payload = Arrays.copyOfRange(packet, rtp.payloadOffset(), rtp.payloadOffset() + rtp.payloadLength());
        int length = inside.removeExtensions();
        assertTrue(inside.wrap(shifted, SHIFT, length), "stripped packet: " + inside.invalidReason());
        assertFalse(inside.hasExtension());
        assertArrayEquals(
                payload,
                Arrays.copyOfRange(shifted, inside.payloadOffset(), inside.payloadOffset() + inside.payloadLength()));
        assertEquals((byte) 0xA5, shifted[SHIFT - 1]);
    }
}
