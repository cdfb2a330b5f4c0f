package dev.lancast.rtc.rtp;

/**
 * lancast's send-time header extension, for measuring one-way delay in benchmarks: the bridge
 * (with {@code multicast.sendTimestamps}) writes its wall clock in microseconds as it sends a
 * packet to the group; gateways pass RTP headers through, so a load generator on the same machine
 * reads it at delivery. A one-byte-header extension (RFC 8285), id 14, 8 bytes big-endian.
 * Browsers that did not negotiate the id ignore it (RFC 8285 section 5). Header extensions are not
 * encrypted by SRTP, so it can be read without the viewer's keys.
 */
public final class SendTime {
    public static final int EXTENSION_ID = 14;
    /** 0xBEDE header (4) + id/len byte + 8 bytes, padded to 12. */
    public static final int ADDED_BYTES = 16;

    private static final int ONE_BYTE_PROFILE = 0xBEDE;

    private SendTime() {}

    /**
     * Adds the extension to an RTP packet that has none, moving the payload up in place; the
     * array must have {@link #ADDED_BYTES} of room after the packet. Returns the new length, or
     * {@code len} unchanged when the packet already carries an extension or is too short.
     */
    public static int append(byte[] buf, int off, int len, long micros) {
        if (len < RtpPacket.FIXED_HEADER || (buf[off] & 0x10) != 0 || off + len + ADDED_BYTES > buf.length) {
            return len;
        }
        int header = RtpPacket.FIXED_HEADER + 4 * (buf[off] & 0x0F);
        if (header > len) {
            return len;
        }
        int at = off + header;
        System.arraycopy(buf, at, buf, at + ADDED_BYTES, len - header);
        buf[at] = (byte) (ONE_BYTE_PROFILE >>> 8);
        buf[at + 1] = (byte) ONE_BYTE_PROFILE;
        buf[at + 2] = 0;
        buf[at + 3] = 3; // length in 32-bit words, after this header
        buf[at + 4] = (byte) ((EXTENSION_ID << 4) | (8 - 1));
        for (int i = 0; i < 8; i++) {
            buf[at + 5 + i] = (byte) (micros >>> (56 - 8 * i));
        }
        buf[at + 13] = 0;
        buf[at + 14] = 0;
        buf[at + 15] = 0;
        buf[off] |= 0x10;
        return len + ADDED_BYTES;
    }

    /** The send time in wall-clock microseconds, or -1 when the packet does not carry it. */
    public static long read(byte[] buf, int off, int len) {
        if (len < RtpPacket.FIXED_HEADER || (buf[off] & 0x10) == 0) {
            return -1;
        }
        int ext = off + RtpPacket.FIXED_HEADER + 4 * (buf[off] & 0x0F);
        if (ext + 4 > off + len || (((buf[ext] & 0xFF) << 8) | (buf[ext + 1] & 0xFF)) != ONE_BYTE_PROFILE) {
            return -1;
        }
        int end = ext + 4 + 4 * (((buf[ext + 2] & 0xFF) << 8) | (buf[ext + 3] & 0xFF));
        if (end > off + len) {
            return -1;
        }
        int p = ext + 4;
        while (p < end) {
            int b = buf[p] & 0xFF;
            if (b == 0) {
                p++; // padding
                continue;
            }
            int id = b >>> 4;
            int n = (b & 0x0F) + 1;
            if (id == 15 || p + 1 + n > end) {
                return -1;
            }
            if (id == EXTENSION_ID && n == 8) {
                long v = 0;
                for (int i = 0; i < 8; i++) {
                    v = (v << 8) | (buf[p + 1 + i] & 0xFF);
                }
                return v;
            }
            p += 1 + n;
        }
        return -1;
    }
}
