package dev.lancast.rtc.rtp;

/**
 * Tells whether an RTP payload starts a keyframe, from the codec's payload format: VP8 (RFC 7741
 * payload descriptor and the frame tag's P bit, RFC 6386 9.1) and H.264 (RFC 6184: an IDR or SPS
 * NAL unit, alone, inside a STAP-A, or starting a FU-A).
 */
public final class Keyframes {
    private Keyframes() {}

    /** Whether a VP8 payload (RFC 7741) starts a keyframe. */
    public static boolean vp8(byte[] b, int off, int len) {
        if (len < 2) {
            return false;
        }
        int first = b[off] & 0xFF;
        boolean start = (first & 0x10) != 0 && (first & 0x07) == 0;
        int pos = off + 1;
        if ((first & 0x80) != 0) {
            int ext = b[pos++] & 0xFF;
            if ((ext & 0x80) != 0) {
                pos += pos < off + len && (b[pos] & 0x80) != 0 ? 2 : 1;
            }
            if ((ext & 0x40) != 0) {
                pos++;
            }
            if ((ext & 0x30) != 0) {
                pos++;
            }
        }
        return start && pos < off + len && (b[pos] & 0x01) == 0;
    }

    /** Whether an H.264 payload (RFC 6184) starts an IDR picture or carries an SPS. */
    public static boolean h264(byte[] b, int off, int len) {
        if (len < 1) {
            return false;
        }
        int type = b[off] & 0x1F;
        if (type == 5 || type == 7) {
            return true;
        }
        if (type == 24) {
            for (int pos = off + 1; pos + 2 < off + len; ) {
                int size = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
                int nal = b[pos + 2] & 0x1F;
                if (nal == 5 || nal == 7) {
                    return true;
                }
                pos += 2 + size;
            }
            return false;
        }
        return type == 28 && len > 1 && (b[off + 1] & 0x80) != 0 && (b[off + 1] & 0x1F) == 5;
    }
}
