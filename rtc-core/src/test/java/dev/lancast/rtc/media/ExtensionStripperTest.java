package dev.lancast.rtc.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.rtp.RtpPacket;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ExtensionStripperTest {
    private final ExtensionStripper stripper = new ExtensionStripper();

    @Test
    void theHeaderExtensionIsRemovedAndThePayloadMovesUp() {
        byte[] buf = new byte[12 + 8 + 4];
        RtpPacket.writeHeader(buf, 0, true, 96, 1234, 5678, 0xABCD);
        buf[0] |= 0x10;
        buf[12] = (byte) 0xBE;
        buf[13] = (byte) 0xDE;
        buf[15] = 1; // one word of extension
        buf[16] = 0x30; // id 3, 1 byte
        buf[17] = 42;
        byte[] payload = {1, 2, 3, 4};
        System.arraycopy(payload, 0, buf, 20, 4);
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(buf, 0, buf.length));
        assertTrue(stripper.onRtp(Packets.VIDEO, p, 0));
        assertFalse(p.hasExtension());
        assertEquals(16, p.length());
        assertEquals(1234, p.sequenceNumber());
        assertTrue(p.marker());
        assertArrayEquals(payload, Arrays.copyOfRange(buf, p.payloadOffset(), p.payloadOffset() + p.payloadLength()));
    }

    @Test
    void aPacketWithoutExtensionIsLeftAsItIs() {
        RtpPacket p = Packets.rtp(96, 7, 0, 1, false, 50);
        byte[] before = p.buffer().clone();
        assertTrue(stripper.onRtp(Packets.VIDEO, p, 0));
        assertEquals(62, p.length());
        assertArrayEquals(before, p.buffer());
    }
}
