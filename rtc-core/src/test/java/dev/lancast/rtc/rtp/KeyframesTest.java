package dev.lancast.rtc.rtp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeyframesTest {
    private static boolean vp8(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return Keyframes.vp8(b, 0, b.length);
    }

    @Test
    void vp8KeyframeStartNeedsSPidZeroAndAClearPBit() {
        // X=1 S=1 PID=0 | I=1 | 15-bit PictureID | frame tag with P=0
        assertTrue(vp8(0x90, 0x80, 0x81, 0x23, 0x10, 0x02));
        assertFalse(vp8(0x90, 0x80, 0x81, 0x23, 0x11, 0x02), "P=1: an interframe");
        assertFalse(vp8(0x80, 0x80, 0x81, 0x23, 0x10, 0x02), "S=0: not the frame's first packet");
        // no extension, 7-bit PictureID variants
        assertTrue(vp8(0x10, 0x10));
        assertTrue(vp8(0x90, 0xC0, 0x05, 0x07, 0x10), "I with a 7-bit PictureID, and L (TL0PICIDX)");
        assertFalse(vp8(0x90), "truncated");
    }

    @Test
    void h264IdrInAllThreePacketizations() {
        assertTrue(Keyframes.h264(new byte[] {0x65, 0}, 0, 2), "single IDR NAL");
        assertFalse(Keyframes.h264(new byte[] {0x41, 0}, 0, 2), "single non-IDR slice");
        byte[] stapA = {0x78, 0, 2, 0x67, 0x42, 0, 2, 0x68, 0x01};
        assertTrue(Keyframes.h264(stapA, 0, stapA.length), "STAP-A with SPS");
        assertTrue(Keyframes.h264(new byte[] {0x7C, (byte) 0x85, 0}, 0, 3), "FU-A start of an IDR");
        assertFalse(Keyframes.h264(new byte[] {0x7C, 0x05, 0}, 0, 3), "FU-A middle of an IDR");
    }
}
