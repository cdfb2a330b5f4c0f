package dev.lancast.rtc.rtp;

/**
 * Finds one element of an RTP header extension block (RFC 8285: the one-byte form 0xBEDE and the
 * two-byte form 0x100X) by its negotiated id, in place: the RID of a simulcast stream (RFC 8852),
 * the transport-wide sequence number. Allocation-free; malformed blocks find nothing.
 */
public final class HeaderExtensions {
    private HeaderExtensions() {}

    /**
     * Where element {@code id} of the packet's extension block is: its data's absolute offset in
     * the packet's buffer times 256 plus its length ({@link #offset}, {@link #length}), or -1 when
     * the packet has no such element.
     */
    public static long find(RtpPacket packet, int id) {
        if (!packet.hasExtension() || id <= 0) {
            return -1;
        }
        byte[] b = packet.buffer();
        int pos = packet.extensionOffset();
        int end = pos + packet.extensionLength();
        int profile = packet.extensionProfile();
        if (profile == 0xBEDE) {
            while (pos < end) {
                int head = b[pos] & 0xFF;
                if (head == 0) {
                    pos++; // padding
                    continue;
                }
                int elementId = head >>> 4;
                if (elementId == 15) {
                    return -1; // RFC 8285 4.2: stop processing
                }
                int len = (head & 0x0F) + 1;
                if (pos + 1 + len > end) {
                    return -1;
                }
                if (elementId == id) {
                    return ((long) (pos + 1) << 8) | len;
                }
                pos += 1 + len;
            }
        } else if ((profile & 0xFFF0) == 0x1000) {
            while (pos < end) {
                int elementId = b[pos] & 0xFF;
                if (elementId == 0) {
                    pos++;
                    continue;
                }
                if (pos + 2 > end) {
                    return -1;
                }
                int len = b[pos + 1] & 0xFF;
                if (pos + 2 + len > end) {
                    return -1;
                }
                if (elementId == id) {
                    return ((long) (pos + 2) << 8) | len;
                }
                pos += 2 + len;
            }
        }
        return -1;
    }

    /** The data offset of a {@link #find} result. */
    public static int offset(long found) {
        return (int) (found >>> 8);
    }

    /** The data length of a {@link #find} result. */
    public static int length(long found) {
        return (int) (found & 0xFF);
    }

    /** The 16-bit big-endian value of element id (the transport-wide sequence number), or -1. */
    public static int u16(RtpPacket packet, int id) {
        long found = find(packet, id);
        if (found < 0 || length(found) < 2) {
            return -1;
        }
        byte[] b = packet.buffer();
        int at = offset(found);
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    /**
     * Whether a {@link #find} result holds exactly these bytes (an RFC 8852 RID, compared without a
     * String); trailing NUL bytes of the element, which some senders pad with, are not part of it.
     */
    public static boolean equals(RtpPacket packet, long found, byte[] value) {
        if (found < 0) {
            return false;
        }
        byte[] b = packet.buffer();
        int at = offset(found);
        int len = length(found);
        while (len > 0 && b[at + len - 1] == 0) {
            len--;
        }
        if (len != value.length) {
            return false;
        }
        for (int i = 0; i < value.length; i++) {
            if (b[at + i] != value[i]) {
                return false;
            }
        }
        return true;
    }
}
