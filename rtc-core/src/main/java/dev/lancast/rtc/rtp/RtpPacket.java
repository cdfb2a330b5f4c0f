package dev.lancast.rtc.rtp;

/**
 * A reusable view of one RTP packet (RFC 3550) in a caller's byte array. {@link #wrap} validates
 * the header; getters and setters read and write the array in place. No allocation per packet.
 */
public final class RtpPacket {
    public static final int FIXED_HEADER = 12;

    private byte[] buf;
    private int off;
    private int len;
    private int headerLength;
    private int paddingLength;
    private String invalidReason;
    /** Set by the one stage that reads codec payloads ({@code KeyframeMarker}); not part of the packet's bytes. */
    private boolean keyframeStart;

    /** Points this view at a packet; false (with {@link #invalidReason()}) when it is malformed. */
    public boolean wrap(byte[] buffer, int offset, int length) {
        this.buf = buffer;
        this.off = offset;
        this.len = length;
        this.keyframeStart = false;
        if (length < FIXED_HEADER) {
            return invalid("shorter than the 12-byte RTP header");
        }
        if ((buffer[offset] & 0xC0) != 0x80) {
            return invalid("RTP version is not 2");
        }
        int header = FIXED_HEADER + 4 * (buffer[offset] & 0x0F);
        if (header > length) {
            return invalid("CSRC list overruns the packet");
        }
        if ((buffer[offset] & 0x10) != 0) {
            if (header + 4 > length) {
                return invalid("header extension header overruns the packet");
            }
            int words = u16(offset + header + 2);
            header += 4 + 4 * words;
            if (header > length) {
                return invalid("header extension overruns the packet");
            }
        }
        int padding = 0;
        if ((buffer[offset] & 0x20) != 0) {
            padding = buffer[offset + length - 1] & 0xFF;
            if (padding == 0 || header + padding > length) {
                return invalid("bad padding length");
            }
        }
        headerLength = header;
        paddingLength = padding;
        invalidReason = null;
        return true;
    }

    private boolean invalid(String reason) {
        invalidReason = reason;
        return false;
    }

    public String invalidReason() {
        return invalidReason;
    }

    /** RFC 5761: RTCP packet types 192..223 never collide with the RTP payload types we use. */
    public static boolean isRtcp(byte[] b, int off, int len) {
        if (len < 2) {
            return false;
        }
        int pt = b[off + 1] & 0xFF;
        return pt >= 192 && pt <= 223;
    }

    public static int writeHeader(byte[] dst, int off, boolean marker, int pt, int seq, long ts, long ssrc) {
        dst[off] = (byte) 0x80;
        dst[off + 1] = (byte) ((marker ? 0x80 : 0) | (pt & 0x7F));
        dst[off + 2] = (byte) (seq >>> 8);
        dst[off + 3] = (byte) seq;
        putU32(dst, off + 4, ts);
        putU32(dst, off + 8, ssrc);
        return FIXED_HEADER;
    }

    public byte[] buffer() {
        return buf;
    }

    public int offset() {
        return off;
    }

    public int length() {
        return len;
    }

    public int version() {
        return (buf[off] & 0xC0) >>> 6;
    }

    public boolean hasPadding() {
        return (buf[off] & 0x20) != 0;
    }

    public boolean hasExtension() {
        return (buf[off] & 0x10) != 0;
    }

    public int csrcCount() {
        return buf[off] & 0x0F;
    }

    public boolean marker() {
        return (buf[off + 1] & 0x80) != 0;
    }

    public int payloadType() {
        return buf[off + 1] & 0x7F;
    }

    public int sequenceNumber() {
        return u16(off + 2);
    }

    public long timestamp() {
        return u32(off + 4);
    }

    public long ssrc() {
        return u32(off + 8);
    }

    public int headerLength() {
        return headerLength;
    }

    public int payloadOffset() {
        return off + headerLength;
    }

    public int payloadLength() {
        return len - headerLength - paddingLength;
    }

    public int paddingLength() {
        return paddingLength;
    }

    /** The profile word of the header extension (0xBEDE one-byte, 0x100X two-byte), or -1. */
    public int extensionProfile() {
        return hasExtension() ? u16(extensionHeaderOffset()) : -1;
    }

    /** Absolute offset of the extension data (after its 4-byte header), or -1. */
    public int extensionOffset() {
        return hasExtension() ? extensionHeaderOffset() + 4 : -1;
    }

    public int extensionLength() {
        return hasExtension() ? 4 * u16(extensionHeaderOffset() + 2) : 0;
    }

    private int extensionHeaderOffset() {
        return off + FIXED_HEADER + 4 * csrcCount();
    }

    /**
     * Whether this packet starts a keyframe, as the track's keyframe marker found when it read the
     * payload; false until then (each wrap starts unmarked).
     */
    public boolean startsKeyframe() {
        return keyframeStart;
    }

    public void markKeyframeStart(boolean starts) {
        keyframeStart = starts;
    }

    public void setMarker(boolean marker) {
        buf[off + 1] = (byte) ((buf[off + 1] & 0x7F) | (marker ? 0x80 : 0));
    }

    public void setPayloadType(int pt) {
        buf[off + 1] = (byte) ((buf[off + 1] & 0x80) | (pt & 0x7F));
    }

    public void setSequenceNumber(int seq) {
        buf[off + 2] = (byte) (seq >>> 8);
        buf[off + 3] = (byte) seq;
    }

    public void setTimestamp(long ts) {
        putU32(buf, off + 4, ts);
    }

    public void setSsrc(long ssrc) {
        putU32(buf, off + 8, ssrc);
    }

    /**
     * Strips the header extension in place (the payload moves down, X is cleared) and returns the
     * new length; the view is re-wrapped over the shorter packet.
     */
    public int removeExtensions() {
        if (!hasExtension()) {
            return len;
        }
        int extStart = extensionHeaderOffset();
        int extTotal = 4 + extensionLength();
        int tail = off + len - (extStart + extTotal);
        System.arraycopy(buf, extStart + extTotal, buf, extStart, tail);
        buf[off] = (byte) (buf[off] & ~0x10);
        int newLength = len - extTotal;
        wrap(buf, off, newLength);
        return newLength;
    }

    private int u16(int at) {
        return ((buf[at] & 0xFF) << 8) | (buf[at + 1] & 0xFF);
    }

    private long u32(int at) {
        return u32(buf, at);
    }

    private static long u32(byte[] b, int at) {
        return ((long) (b[at] & 0xFF) << 24)
                | ((b[at + 1] & 0xFF) << 16)
                | ((b[at + 2] & 0xFF) << 8)
                | (b[at + 3] & 0xFF);
    }

    /**
     * The SSRC of the RTP packet at off, or the sender SSRC of the RTCP packet there (RFC 5761 tells
     * them apart), read before anything is parsed or decrypted (both are in clear under SRTP);
     * -1 when the packet is too short to hold one. One place for every front that dispatches by SSRC.
     */
    public static long ssrcOf(byte[] b, int off, int len) {
        boolean rtcp = isRtcp(b, off, len);
        if (len < (rtcp ? 8 : FIXED_HEADER)) {
            return -1;
        }
        return u32(b, off + (rtcp ? 4 : 8));
    }

    static void putU32(byte[] b, int at, long v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
