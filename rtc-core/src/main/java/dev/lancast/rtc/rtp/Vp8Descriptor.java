package dev.lancast.rtc.rtp;

/**
 * A reusable view of a VP8 RTP payload descriptor (RFC 7741 4.2) in place: whether the packet
 * starts a frame, its picture ID, TL0PICIDX and temporal layer, and for a keyframe its picture
 * size (RFC 6386 9.1). The picture ID and TL0PICIDX can be rewritten in place: a viewer switched
 * between simulcast layers, or sent only some temporal layers, must see both run on without gaps,
 * or its decoder waits for pictures that never come. Allocation-free.
 */
public final class Vp8Descriptor {
    private byte[] buf;
    private int pictureIdAt;
    private int pictureIdBits;
    private int tl0At;
    private int tid;
    private boolean layerSync;
    private boolean frameStart;
    private int payloadAt;
    private int end;

    /** Reads the descriptor of a VP8 payload; false (nothing usable) when it is malformed. */
    public boolean wrap(byte[] b, int off, int len) {
        buf = b;
        pictureIdAt = -1;
        pictureIdBits = 0;
        tl0At = -1;
        tid = -1;
        layerSync = false;
        frameStart = false;
        end = off + len;
        if (len < 1) {
            return false;
        }
        int first = b[off] & 0xFF;
        int pos = off + 1;
        if ((first & 0x80) != 0) {
            if (pos >= end) {
                return false;
            }
            int x = b[pos++] & 0xFF;
            if ((x & 0x80) != 0) {
                if (pos >= end) {
                    return false;
                }
                pictureIdAt = pos;
                pictureIdBits = (b[pos] & 0x80) != 0 ? 15 : 7;
                pos += pictureIdBits == 15 ? 2 : 1;
            }
            if ((x & 0x40) != 0) {
                tl0At = pos++;
            }
            if ((x & 0x30) != 0) {
                if (pos >= end) {
                    return false;
                }
                if ((x & 0x20) != 0) {
                    tid = (b[pos] & 0xC0) >>> 6;
                    layerSync = (b[pos] & 0x20) != 0;
                }
                pos++;
            }
        }
        if (pos > end) {
            return false;
        }
        frameStart = (first & 0x10) != 0 && (first & 0x07) == 0;
        payloadAt = pos;
        return true;
    }

    /** Whether this packet carries the start of a frame (S set, partition 0). */
    public boolean frameStart() {
        return frameStart;
    }

    /** Whether this packet starts a keyframe. */
    public boolean keyframeStart() {
        return frameStart && payloadAt < end && (buf[payloadAt] & 0x01) == 0;
    }

    /** The temporal layer (0..3), or -1 when the descriptor carries none. */
    public int temporalLayer() {
        return tid;
    }

    /** Y: the frame depends only on temporal layer 0 (a receiver may start the higher layer here). */
    public boolean layerSync() {
        return layerSync;
    }

    public boolean hasPictureId() {
        return pictureIdAt >= 0;
    }

    /** 7 or 15 (the M bit), 0 without a picture ID. */
    public int pictureIdBits() {
        return pictureIdBits;
    }

    public int pictureId() {
        if (pictureIdBits == 15) {
            return ((buf[pictureIdAt] & 0x7F) << 8) | (buf[pictureIdAt + 1] & 0xFF);
        }
        return pictureIdBits == 7 ? buf[pictureIdAt] & 0x7F : -1;
    }

    /** Writes the picture ID in the descriptor's own width (modulo 2^15 or 2^7). */
    public void setPictureId(int id) {
        if (pictureIdBits == 15) {
            buf[pictureIdAt] = (byte) (0x80 | ((id >>> 8) & 0x7F));
            buf[pictureIdAt + 1] = (byte) id;
        } else if (pictureIdBits == 7) {
            buf[pictureIdAt] = (byte) (id & 0x7F);
        }
    }

    public boolean hasTl0PicIdx() {
        return tl0At >= 0 && tl0At < end;
    }

    public int tl0PicIdx() {
        return hasTl0PicIdx() ? buf[tl0At] & 0xFF : -1;
    }

    public void setTl0PicIdx(int idx) {
        if (hasTl0PicIdx()) {
            buf[tl0At] = (byte) idx;
        }
    }

    /** A keyframe's width in pixels (RFC 6386 9.1: after the 3-byte frame tag and start code), or 0. */
    public int keyframeWidth() {
        return keyframeStart() && payloadAt + 10 <= end && startCode() ? u16le(payloadAt + 6) & 0x3FFF : 0;
    }

    /** A keyframe's height in pixels, or 0. */
    public int keyframeHeight() {
        return keyframeStart() && payloadAt + 10 <= end && startCode() ? u16le(payloadAt + 8) & 0x3FFF : 0;
    }

    private boolean startCode() {
        return (buf[payloadAt + 3] & 0xFF) == 0x9D
                && (buf[payloadAt + 4] & 0xFF) == 0x01
                && (buf[payloadAt + 5] & 0xFF) == 0x2A;
    }

    private int u16le(int at) {
        return (buf[at] & 0xFF) | ((buf[at + 1] & 0xFF) << 8);
    }
}
