package dev.lancast.rtc.ice;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/** ICE username fragment and password (RFC 8445 5.3): at least 24 bits and 128 bits of randomness. */
public record IceCredentials(String ufrag, String pwd) {
    private static final char[] ICE_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

    public IceCredentials {
        if (ufrag == null || ufrag.length() < 4 || ufrag.length() > 256) {
            throw new IllegalArgumentException("ice-ufrag must be 4..256 characters");
        }
        if (pwd == null || pwd.length() < 22 || pwd.length() > 256) {
            throw new IllegalArgumentException("ice-pwd must be 22..256 characters");
        }
    }

    public static IceCredentials generate(SecureRandom random) {
        return new IceCredentials(randomString(random, 8), randomString(random, 24));
    }

    public byte[] pwdBytes() {
        return pwd.getBytes(StandardCharsets.UTF_8);
    }

    private static String randomString(SecureRandom random, int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = ICE_CHARS[random.nextInt(ICE_CHARS.length)];
        }
        return new String(out);
    }
}
