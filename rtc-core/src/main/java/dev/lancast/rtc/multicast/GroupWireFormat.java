package dev.lancast.rtc.multicast;

/**
 * The lancast multicast datagram: a 4-byte shim, then an SRTP or SRTCP packet protected with the
 * stream's group key (AEAD_AES_128_GCM).
 *
 * <pre>
 *  0               1               2               3
 * +---------------+---------------+---------------+---------------+
 * |  'L' (0x4C)   |  'C' (0x43)   |  version (1)  |    key id     |
 * +---------------+---------------+---------------+---------------+
 * |                  SRTP / SRTCP packet (RFC 3711, RFC 7714) ...
 * </pre>
 *
 * The key id picks the group key without trial decryption, so rotation needs no guessing; it is
 * not authenticated itself, but a forged id only selects a key under which the packet fails
 * authentication. The same format carries the gateways' unicast feedback to the bridge.
 */
public final class GroupWireFormat {
    public static final int HEADER_LENGTH = 4;
    public static final int VERSION = 1;
    private static final byte MAGIC_0 = 0x4C;
    private static final byte MAGIC_1 = 0x43;

    private GroupWireFormat() {}

    public static void writeHeader(byte[] dst, int off, int keyId) {
        dst[off] = MAGIC_0;
        dst[off + 1] = MAGIC_1;
        dst[off + 2] = VERSION;
        dst[off + 3] = (byte) keyId;
    }

    /** The key id, or -1 when the datagram is not a lancast datagram of a version we read. */
    public static int keyId(byte[] buf, int off, int len) {
        if (len < HEADER_LENGTH + 12 || buf[off] != MAGIC_0 || buf[off + 1] != MAGIC_1 || buf[off + 2] != VERSION) {
            return -1;
        }
        return buf[off + 3] & 0xFF;
    }
}
