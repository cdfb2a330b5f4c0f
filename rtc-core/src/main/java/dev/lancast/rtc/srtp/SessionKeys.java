package dev.lancast.rtc.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SRTP key derivation of RFC 3711 section 4.3 with the AES-CM PRF and a key derivation rate of
 * 0 (what DTLS-SRTP uses), for the transforms lancast runs itself ({@link GcmRtpCipher}); jitsi-srtp
 * derives its own contexts' keys. The 96-bit master salt of AEAD_AES_128_GCM is taken as a 112-bit
 * salt times 2^16 (RFC 7714 section 11 as corrected by erratum 4938, as libsrtp and browsers do).
 * Runs once per session, so it may allocate.
 */
final class SessionKeys {
    static final int LABEL_RTP_ENCRYPTION = 0x00;
    static final int LABEL_RTP_SALT = 0x02;

    private SessionKeys() {}

    /** {@code length} bytes of the session key or salt that {@code label} names. */
    static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
        if (masterSalt.length > 14) {
            throw new IllegalArgumentException("an SRTP master salt has at most 14 bytes, got " + masterSalt.length);
        }
        // x = key_id XOR master_salt, aligned on the 112-bit salt: the label is its 8th byte.
        byte[] block = new byte[16];
        System.arraycopy(masterSalt, 0, block, 0, masterSalt.length);
        block[7] ^= (byte) label;
        try {
            Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"));
            byte[] out = new byte[length];
            // AES in counter mode from IV = x * 2^16: block j of the key stream encrypts x || j.
            for (int j = 0, at = 0; at < length; j++, at += 16) {
                block[14] = (byte) (j >>> 8);
                block[15] = (byte) j;
                byte[] stream = aes.doFinal(block);
                System.arraycopy(stream, 0, out, at, Math.min(16, length - at));
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES is not available for the SRTP key derivation", e);
        }
    }
}
