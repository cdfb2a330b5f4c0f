package dev.lancast.rtc.peer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How a session id appears in logs. The id is the secret part of a WHIP/WHEP session URL: whoever
 * has it may restart the session's ICE or end it (N19), so a log reader must not learn it. A short
 * hash still tells one session's lines from another's.
 */
public final class SessionIds {
    private SessionIds() {}

    /** "s-" and the first 8 hex digits of SHA-256 of the id. */
    public static String forLog(String id) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return "s-" + HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
