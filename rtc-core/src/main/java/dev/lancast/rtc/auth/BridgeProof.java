package dev.lancast.rtc.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a bridge proves to a gateway that holds only its token that it is the bridge that gave it
 * that token, and binds the proof to the TLS certificate the gateway sees (docs/security.md,
 * "Finding the bridge"). The gateway sends a fresh nonce over TLS, without credentials, and checks
 * <pre>
 *   key   = PBKDF2-HMAC-SHA256(token, "lancast bridge proof v1", {@value #ITERATIONS} iterations, 32 bytes)
 *   proof = HMAC-SHA256(key, "lancast bridge proof v1" || 0x00 || nonce (32 bytes)
 *                            || SHA-256(bridge certificate, DER) || gateway name (UTF-8))
 * </pre>
 * against the certificate it actually got. An impostor without the token cannot answer; one that
 * relays to the real bridge gets a proof bound to the real bridge's certificate, not its own. The
 * key is stretched because anyone may ask the bridge for proofs: each one lets its holder test
 * guesses of the token offline, so a guess costs {@value #ITERATIONS} HMACs (tokens from
 * {@code lancast init} are 128 random bits anyway).
 */
public final class BridgeProof {
    public static final int NONCE_BYTES = 32;
    public static final int PROOF_BYTES = 32;
    static final int ITERATIONS = 10_000;
    private static final byte[] LABEL = "lancast bridge proof v1".getBytes(StandardCharsets.US_ASCII);

    private BridgeProof() {}

    /** The proof key of a token; slow on purpose (see above): compute once per token and keep it. */
    public static byte[] key(String token) {
        try {
            SecretKeyFactory pbkdf2 = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            return pbkdf2.generateSecret(new PBEKeySpec(token.toCharArray(), LABEL, ITERATIONS, 256))
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * @param key            {@link #key} of the gateway's token
     * @param nonce          the gateway's nonce, {@link #NONCE_BYTES} bytes
     * @param certificateDer the bridge's TLS certificate (the leaf), DER
     */
    public static byte[] proof(byte[] key, byte[] nonce, byte[] certificateDer, String gatewayName) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(LABEL);
            mac.update((byte) 0);
            mac.update(nonce);
            mac.update(MessageDigest.getInstance("SHA-256").digest(certificateDer));
            mac.update(gatewayName.getBytes(StandardCharsets.UTF_8));
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Whether {@code presented} is the proof expected; constant time. */
    public static boolean matches(byte[] expected, byte[] presented) {
        return presented != null && MessageDigest.isEqual(expected, presented);
    }

    /** A nonce as the gateway sends it: {@link #NONCE_BYTES} bytes as lower-case hex. */
    public static byte[] parseNonce(String hex) {
        return parseHex(hex, NONCE_BYTES, "nonce");
    }

    /** A proof as the bridge answers it: {@link #PROOF_BYTES} bytes as hex, surrounding white space allowed. */
    public static byte[] parseProof(String text) {
        return parseHex(text == null ? null : text.strip(), PROOF_BYTES, "proof");
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static byte[] parseHex(String hex, int bytes, String what) {
        if (hex == null || hex.length() != 2 * bytes) {
            throw new IllegalArgumentException(
                    "the " + what + " must be " + bytes + " bytes in hex (" + 2 * bytes + " digits)");
        }
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                throw new IllegalArgumentException("the " + what + " must be hex digits only");
            }
        }
        return HexFormat.of().parseHex(hex);
    }
}
