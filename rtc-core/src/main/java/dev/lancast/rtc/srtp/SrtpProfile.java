package dev.lancast.rtc.srtp;

import org.jitsi.srtp.SrtpPolicy;

/** The DTLS-SRTP protection profiles we offer and accept (RFC 5764, RFC 7714), best first. */
public enum SrtpProfile {
    AEAD_AES_128_GCM(0x0007, 16, 12, 16),
    AES128_CM_HMAC_SHA1_80(0x0001, 16, 14, 10);

    private final int id;
    private final int keyLength;
    private final int saltLength;
    private final int tagLength;

    SrtpProfile(int id, int keyLength, int saltLength, int tagLength) {
        this.id = id;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.tagLength = tagLength;
    }

    public int id() {
        return id;
    }

    public int keyLength() {
        return keyLength;
    }

    public int saltLength() {
        return saltLength;
    }

    public int rtpOverhead() {
        return tagLength;
    }

    /** SRTCP adds the 4-byte E flag + index word to the tag. */
    public int rtcpOverhead() {
        return tagLength + 4;
    }

    public static SrtpProfile fromId(int id) {
        for (SrtpProfile p : values()) {
            if (p.id == id) {
                return p;
            }
        }
        throw new IllegalArgumentException(String.format("unsupported SRTP protection profile 0x%04X", id));
    }

    SrtpPolicy policy() {
        return this == AEAD_AES_128_GCM
                ? new SrtpPolicy(
                        SrtpPolicy.AESGCM_ENCRYPTION,
                        keyLength,
                        SrtpPolicy.NULL_AUTHENTICATION,
                        0,
                        tagLength,
                        saltLength)
                : new SrtpPolicy(
                        SrtpPolicy.AESCM_ENCRYPTION,
                        keyLength,
                        SrtpPolicy.HMACSHA1_AUTHENTICATION,
                        20,
                        tagLength,
                        saltLength);
    }
}
