package dev.lancast.rtc.srtp;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jitsi.srtp.crypto.Aes;
import org.jitsi.srtp.crypto.JitsiOpenSslProvider;

/**
 * SRTP for RTP packets under AEAD_AES_128_GCM (RFC 7714 sections 8 and 9), in place, without an
 * object per packet. jitsi-srtp's own GCM transform makes a {@code GCMParameterSpec} for every
 * packet (and its OpenSSL cipher copies the IV out of it again): about 90 bytes per packet, which
 * the gateway's fan-out pays once per viewer per packet. This class runs the same cipher (the one
 * jitsi-srtp's {@link Aes} picks: OpenSSL through {@code libjitsisrtp} where it loads) with one
 * parameter object per session whose IV array is rewritten before each packet.
 *
 * <p>That reuse is safe only with jitsi-srtp's OpenSSL cipher: its {@code engineInit} reads the IV
 * once and passes it to {@code EVP_CipherInit}, which copies it into the OpenSSL context; the array
 * reference it keeps is only compared by length at the next init. SunJCE's GCM keeps the array to
 * refuse a repeated IV, so on that path (where {@code libjitsisrtp} does not load) a new parameter
 * object is made per packet, as jitsi-srtp does, and the SunJCE cipher allocates far more anyway.
 *
 * <p>The caller supplies the rollover counter; replay protection and index estimation are the
 * callers' ({@link SrtpSender}, {@link SrtpReceiver}). One thread at a time.
 */
final class GcmRtpCipher {
    static final int TAG_LENGTH = 16;
    static final int INVALID = -1;
    static final int AUTH_FAIL = -2;

    private final Cipher cipher;
    private final SecretKeySpec key;
    private final byte[] salt;
    private final byte[] nonce = new byte[12];
    /** The one parameter object of the OpenSSL path, over {@link #nonce}; null on other paths. */
    private final GCMParameterSpec sharedNonce;
    /**
     * Other paths only: the nonce of the last encryption. SunJCE refuses to encrypt again under the
     * key and IV of its last encryption; a repair answered twice in a row is that (the same bytes
     * under the same index, which gives the same ciphertext and so reveals nothing), so the cipher
     * is first moved to another IV. One index with two contents is the callers' to prevent
     * ({@link SrtpSender}).
     */
    private final byte[] lastNonce = new byte[12];

    private boolean encryptedYet;

    /** A transform with jitsi-srtp's fastest AES-GCM cipher, keyed from the DTLS-SRTP master key and salt. */
    GcmRtpCipher(byte[] masterKey, byte[] masterSalt) {
        this(masterKey, masterSalt, Aes.createCipher("AES/GCM/NoPadding"));
    }

    /** As above with the given cipher (tests use it to run both paths). */
    GcmRtpCipher(byte[] masterKey, byte[] masterSalt, Cipher cipher) {
        if (masterKey.length != 16 || masterSalt.length != 12) {
            throw new IllegalArgumentException("AEAD_AES_128_GCM needs a 16-byte master key and a 12-byte salt, got "
                    + masterKey.length + " and " + masterSalt.length);
        }
        this.cipher = cipher;
        this.key = new SecretKeySpec(
                SessionKeys.derive(masterKey, masterSalt, SessionKeys.LABEL_RTP_ENCRYPTION, 16), "AES");
        this.salt = SessionKeys.derive(masterKey, masterSalt, SessionKeys.LABEL_RTP_SALT, 12);
        this.sharedNonce = cipher.getProvider() instanceof JitsiOpenSslProvider ? new SharedNonce(nonce) : null;
    }

    /**
     * Encrypts the payload in place and writes the tag after it; returns the SRTP length
     * ({@code len + 16}) or INVALID (not an RTP packet, or no room for the tag in the array).
     */
    int protect(byte[] buf, int off, int len, long roc) {
        int header = headerLength(buf, off, len);
        if (header < 0 || off + len + TAG_LENGTH > buf.length) {
            return INVALID;
        }
        try {
            GCMParameterSpec iv = nonceFor(buf, off, roc);
            if (sharedNonce == null) {
                if (encryptedYet && Arrays.equals(nonce, lastNonce)) {
                    lastNonce[0] ^= 1; // any other IV: SunJCE remembers only its last one
                    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, lastNonce));
                }
                System.arraycopy(nonce, 0, lastNonce, 0, nonce.length);
                encryptedYet = true;
            }
            cipher.init(Cipher.ENCRYPT_MODE, key, iv);
            cipher.updateAAD(buf, off, header);
            return header + cipher.doFinal(buf, off + header, len - header, buf, off + header);
        } catch (GeneralSecurityException | RuntimeException e) {
            return INVALID;
        }
    }

    /**
     * Checks the tag and decrypts the payload in place; returns the plain RTP length
     * ({@code len - 16}), AUTH_FAIL, or INVALID. After a failure the payload bytes are not the
     * packet's any more: callers drop it.
     */
    int unprotect(byte[] buf, int off, int len, long roc) {
        int header = headerLength(buf, off, len);
        if (header < 0 || header + TAG_LENGTH > len) {
            return INVALID;
        }
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, nonceFor(buf, off, roc));
            cipher.updateAAD(buf, off, header);
            return header + cipher.doFinal(buf, off + header, len - header, buf, off + header);
        } catch (AEADBadTagException e) {
            return AUTH_FAIL;
        } catch (GeneralSecurityException | RuntimeException e) {
            return INVALID;
        }
    }

    /** RFC 7714 8.1: (0x0000 || SSRC || ROC || SEQ) XOR the session salt. */
    private GCMParameterSpec nonceFor(byte[] buf, int off, long roc) {
        nonce[0] = salt[0];
        nonce[1] = salt[1];
        for (int i = 0; i < 4; i++) {
            nonce[2 + i] = (byte) (buf[off + 8 + i] ^ salt[2 + i]);
            nonce[6 + i] = (byte) ((roc >>> (24 - 8 * i)) ^ salt[6 + i]);
        }
        nonce[10] = (byte) (buf[off + 2] ^ salt[10]);
        nonce[11] = (byte) (buf[off + 3] ^ salt[11]);
        return sharedNonce != null ? sharedNonce : new GCMParameterSpec(TAG_LENGTH * 8, nonce);
    }

    /**
     * The length of the RTP header (fixed part, CSRCs, header extension), which RFC 7714 authenticates
     * but does not encrypt; -1 when it is not a version 2 header that fits in len.
     */
    static int headerLength(byte[] b, int off, int len) {
        if (len < 12 || (b[off] & 0xC0) != 0x80) {
            return -1;
        }
        int header = 12 + 4 * (b[off] & 0x0F);
        if ((b[off] & 0x10) != 0) {
            if (header + 4 > len) {
                return -1;
            }
            header += 4 + 4 * (((b[off + header + 2] & 0xFF) << 8) | (b[off + header + 3] & 0xFF));
        }
        return header <= len ? header : -1;
    }

    /** A GCM parameter whose IV is the transform's own nonce array, not a copy (see the class comment). */
    private static final class SharedNonce extends GCMParameterSpec {
        private final byte[] nonce;

        SharedNonce(byte[] nonce) {
            super(TAG_LENGTH * 8, nonce);
            this.nonce = nonce;
        }

        @Override
        public byte[] getIV() {
            return nonce;
        }
    }
}
