package dev.lancast.rtc.catalog;

import dev.lancast.rtc.net.Subnet;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Who may watch a stream, as the bridge publishes it in the catalog and gateways enforce it on
 * WHEP: viewers from the listed subnets only (none listed: from anywhere), holding one of the
 * tokens (none listed: no token needed). The catalog is readable by anyone, so it carries only the
 * SHA-256 of each token; a presented token is hashed and compared with every hash in constant time.
 */
public record ViewerAccess(List<String> tokenSha256, List<String> subnets) {
    public ViewerAccess {
        tokenSha256 = tokenSha256 == null ? List.of() : List.copyOf(tokenSha256);
        subnets = subnets == null ? List.of() : List.copyOf(subnets);
    }

    public enum Decision { ALLOWED, TOKEN_MISSING, TOKEN_INVALID, ADDRESS_NOT_ALLOWED }

    /** The published form of a policy: tokens replaced by their hashes; null (open) when it has neither. */
    public static ViewerAccess of(List<String> tokens, List<String> subnets) {
        if ((tokens == null || tokens.isEmpty()) && (subnets == null || subnets.isEmpty())) {
            return null;
        }
        return new ViewerAccess(tokens == null ? null : tokens.stream().map(ViewerAccess::sha256).toList(), subnets);
    }

    /** Whether a viewer at {@code client} presenting {@code token} (null: none) may watch. */
    public Decision check(InetAddress client, String token) {
        if (!subnets.isEmpty() && subnets.stream().noneMatch(s -> Subnet.parse(s).contains(client))) {
            return Decision.ADDRESS_NOT_ALLOWED;
        }
        if (tokenSha256.isEmpty()) {
            return Decision.ALLOWED;
        }
        if (token == null || token.isEmpty()) {
            return Decision.TOKEN_MISSING;
        }
        byte[] presented = HexFormat.of().parseHex(sha256(token));
        boolean ok = false;
        for (String hash : tokenSha256) {
            ok |= MessageDigest.isEqual(presented, HexFormat.of().parseHex(hash));
        }
        return ok ? Decision.ALLOWED : Decision.TOKEN_INVALID;
    }

    public static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
