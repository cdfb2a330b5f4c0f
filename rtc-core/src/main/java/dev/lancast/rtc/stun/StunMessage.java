package dev.lancast.rtc.stun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A parsed STUN message (RFC 8489) with the attributes ICE uses (RFC 8445). STUN is not on the
 * per-packet media path, so parsing allocates freely.
 */
public final class StunMessage {
    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int HEADER_LENGTH = 20;

    static final int BINDING_REQUEST = 0x0001;
    static final int BINDING_SUCCESS = 0x0101;
    static final int BINDING_ERROR = 0x0111;
    static final int BINDING_INDICATION = 0x0011;

    static final int ATTR_MAPPED_ADDRESS = 0x0001;
    static final int ATTR_USERNAME = 0x0006;
    static final int ATTR_MESSAGE_INTEGRITY = 0x0008;
    static final int ATTR_ERROR_CODE = 0x0009;
    static final int ATTR_XOR_MAPPED_ADDRESS = 0x0020;
    static final int ATTR_PRIORITY = 0x0024;
    static final int ATTR_USE_CANDIDATE = 0x0025;
    static final int ATTR_FINGERPRINT = 0x8028;
    static final int ATTR_ICE_CONTROLLED = 0x8029;
    static final int ATTR_ICE_CONTROLLING = 0x802A;
    static final int FINGERPRINT_XOR = 0x5354554E;

    private final byte[] raw;
    private final int type;
    private final byte[] transactionId;
    private String username;
    private Long priority;
    private boolean useCandidate;
    private Long iceControlling;
    private Long iceControlled;
    private InetSocketAddress xorMappedAddress;
    private Integer errorCode;
    private int integrityOffset = -1;
    private int fingerprintOffset = -1;

    private StunMessage(byte[] raw) {
        this.raw = raw;
        this.type = u16(raw, 0);
        this.transactionId = Arrays.copyOfRange(raw, 8, 20);
    }

    /** Cheap check for RFC 7983 demultiplexing: top two bits zero, the magic cookie, 4-byte aligned. */
    public static boolean looksLikeStun(byte[] b, int off, int len) {
        return len >= HEADER_LENGTH
                && (b[off] & 0xC0) == 0
                && u32(b, off + 4) == MAGIC_COOKIE
                && (u16(b, off + 2) & 3) == 0;
    }

    public static StunMessage parse(byte[] b, int off, int len) throws StunException {
        if (len < HEADER_LENGTH) {
            throw new StunException("message of " + len + " bytes is shorter than the 20-byte header");
        }
        if ((b[off] & 0xC0) != 0) {
            throw new StunException("the first two bits are not zero");
        }
        if (u32(b, off + 4) != MAGIC_COOKIE) {
            throw new StunException("magic cookie is not 0x2112A442");
        }
        int bodyLength = u16(b, off + 2);
        if ((bodyLength & 3) != 0) {
            throw new StunException("message length " + bodyLength + " is not a multiple of 4");
        }
        if (bodyLength != len - HEADER_LENGTH) {
            throw new StunException("message length field says " + bodyLength + " but " + (len - HEADER_LENGTH)
                    + " bytes follow the header");
        }
        StunMessage m = new StunMessage(Arrays.copyOfRange(b, off, off + len));
        m.parseAttributes();
        return m;
    }

    private void parseAttributes() throws StunException {
        int pos = HEADER_LENGTH;
        while (pos < raw.length) {
            if (pos + 4 > raw.length) {
                throw new StunException("attribute header at offset " + pos + " is truncated");
            }
            int attrType = u16(raw, pos);
            int attrLength = u16(raw, pos + 2);
            int value = pos + 4;
            if (value + attrLength > raw.length) {
                throw new StunException(String.format(
                        "attribute 0x%04X length %d overruns message of %d bytes", attrType, attrLength, raw.length));
            }
            if (fingerprintOffset >= 0) {
                throw new StunException("attribute after FINGERPRINT");
            }
            // Attributes after MESSAGE-INTEGRITY, except FINGERPRINT, are ignored (RFC 8489 14.5).
            if (integrityOffset < 0 || attrType == ATTR_FINGERPRINT) {
                readAttribute(attrType, value, attrLength, pos);
            }
            pos = value + ((attrLength + 3) & ~3);
        }
        if (pos != raw.length) {
            throw new StunException("attribute padding overruns the message");
        }
    }

    private void readAttribute(int attrType, int value, int length, int start) throws StunException {
        switch (attrType) {
            case ATTR_USERNAME -> username = new String(raw, value, length, StandardCharsets.UTF_8);
            case ATTR_PRIORITY -> priority = u32(raw, value, length, "PRIORITY") & 0xFFFFFFFFL;
            case ATTR_USE_CANDIDATE -> useCandidate = true;
            case ATTR_ICE_CONTROLLING -> iceControlling = u64(value, length, "ICE-CONTROLLING");
            case ATTR_ICE_CONTROLLED -> iceControlled = u64(value, length, "ICE-CONTROLLED");
            case ATTR_XOR_MAPPED_ADDRESS -> xorMappedAddress = xorAddress(value, length);
            case ATTR_ERROR_CODE -> {
                if (length < 4) {
                    throw new StunException("ERROR-CODE shorter than 4 bytes");
                }
                int errorClass = raw[value + 2] & 0x07;
                int number = raw[value + 3] & 0xFF;
                // RFC 8489 14.8: class 3..6 and number 0..99, else the code is ambiguous.
                if (errorClass < 3 || errorClass > 6 || number > 99) {
                    throw new StunException(
                            "ERROR-CODE class " + errorClass + " number " + number + " is not a code 300..699");
                }
                errorCode = errorClass * 100 + number;
            }
            case ATTR_MESSAGE_INTEGRITY -> {
                if (length != 20) {
                    throw new StunException("MESSAGE-INTEGRITY must be 20 bytes, got " + length);
                }
                integrityOffset = start;
            }
            case ATTR_FINGERPRINT -> {
                if (length != 4) {
                    throw new StunException("FINGERPRINT must be 4 bytes, got " + length);
                }
                fingerprintOffset = start;
            }
            default -> {
                // Unknown comprehension-optional attributes are skipped; ICE needs no others.
            }
        }
    }

    private int u32(byte[] b, int value, int length, String name) throws StunException {
        if (length != 4) {
            throw new StunException(name + " must be 4 bytes, got " + length);
        }
        return u32(b, value);
    }

    private long u64(int value, int length, String name) throws StunException {
        if (length != 8) {
            throw new StunException(name + " must be 8 bytes, got " + length);
        }
        return ((long) u32(raw, value) << 32) | (u32(raw, value + 4) & 0xFFFFFFFFL);
    }

    private InetSocketAddress xorAddress(int value, int length) throws StunException {
        if (length < 8) {
            throw new StunException("XOR-MAPPED-ADDRESS shorter than 8 bytes");
        }
        int family = raw[value + 1] & 0xFF;
        int port = u16(raw, value + 2) ^ (MAGIC_COOKIE >>> 16);
        int addressLength = family == 1 ? 4 : family == 2 ? 16 : -1;
        if (addressLength < 0 || length != 4 + addressLength) {
            throw new StunException("XOR-MAPPED-ADDRESS has family " + family + " and length " + length);
        }
        byte[] address = new byte[addressLength];
        for (int i = 0; i < addressLength; i++) {
            // The address is xored with the cookie, then (IPv6) with the transaction id.
            address[i] = (byte) (raw[value + 4 + i] ^ raw[4 + i]);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException e) {
            throw new StunException("bad XOR-MAPPED-ADDRESS");
        }
    }

    /** Checks MESSAGE-INTEGRITY (HMAC-SHA1) with the short-term key (the ICE password as UTF-8). */
    public boolean verifyMessageIntegrity(byte[] key) {
        if (integrityOffset < 0) {
            return false;
        }
        byte[] copy = Arrays.copyOf(raw, integrityOffset);
        // The length covers the message up to and including MESSAGE-INTEGRITY (RFC 8489 14.5).
        putU16(copy, 2, integrityOffset + 24 - HEADER_LENGTH);
        byte[] expected = hmacSha1(key, copy, copy.length);
        return MessageDigest.isEqual(expected, Arrays.copyOfRange(raw, integrityOffset + 4, integrityOffset + 24));
    }

    public boolean verifyFingerprint() {
        if (fingerprintOffset < 0) {
            return false;
        }
        return u32(raw, fingerprintOffset + 4) == fingerprint(raw, fingerprintOffset);
    }

    static int fingerprint(byte[] b, int len) {
        CRC32 crc = new CRC32();
        crc.update(b, 0, len);
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }

    static byte[] hmacSha1(byte[] key, byte[] data, int len) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            mac.update(data, 0, len);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    public int messageType() {
        return type;
    }

    public boolean isBindingRequest() {
        return type == BINDING_REQUEST;
    }

    public boolean isBindingSuccess() {
        return type == BINDING_SUCCESS;
    }

    public boolean isBindingError() {
        return type == BINDING_ERROR;
    }

    public boolean isBindingIndication() {
        return type == BINDING_INDICATION;
    }

    public byte[] transactionId() {
        return transactionId.clone();
    }

    public String username() {
        return username;
    }

    public Long priority() {
        return priority;
    }

    public boolean useCandidate() {
        return useCandidate;
    }

    public Long iceControlling() {
        return iceControlling;
    }

    public Long iceControlled() {
        return iceControlled;
    }

    public InetSocketAddress xorMappedAddress() {
        return xorMappedAddress;
    }

    public Integer errorCode() {
        return errorCode;
    }

    public boolean hasMessageIntegrity() {
        return integrityOffset >= 0;
    }

    public boolean hasFingerprint() {
        return fingerprintOffset >= 0;
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    static int u32(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    static void putU16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void putU32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
