package dev.lancast.rtc.catalog;

import dev.lancast.rtc.net.Subnet;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may watch a stream, as the bridge publishes it in the catalog and gateways enforce it on
 * WHEP: viewers from the listed subnets only (none listed: from anywhere), holding one of the
 * tokens (none listed: no token needed). The catalog is readable by anyone, so it carries only
 * HMAC-SHA256 of each token under a secret of the bridge that only authenticated gateways get
 * (with the group keys): a plain hash of a short token could be reversed by guessing offline. A
 * presented token is MACed and compared with every published MAC in constant time. Pages of other
 * origins than the gateway's and the bridge's may play such a stream only if {@code origins} lists
 * them ({@code "*"}: any; gateway/whep/WhepOrigins).
 */
public record ViewerAccess(List<String> tokenHmac, List<String> subnets, List<String> origins) {
    public ViewerAccess {
        tokenHmac = tokenHmac == null ? List.of() : List.copyOf(tokenHmac);
        subnets = subnets == null ? List.of() : List.copyOf(subnets);
        origins = origins == null ? List.of() : List.copyOf(origins);
    }

    public ViewerAccess(List<String> tokenHmac, List<String> subnets) {
        this(tokenHmac, subnets, null);
    }

    public enum Decision {
        ALLOWED,
        TOKEN_MISSING,
        TOKEN_INVALID,
        ADDRESS_NOT_ALLOWED
    }

    /**
     * The published form of a policy: tokens replaced by their MACs under {@code secret}; null
     * (open) when it has neither.
     */
    public static ViewerAccess of(List<String> tokens, List<String> subnets, byte[] secret) {
        return of(tokens, subnets, null, secret);
    }

    /** As above, with the other origins whose pages may play the stream. */
    public static ViewerAccess of(List<String> tokens, List<String> subnets, List<String> origins, byte[] secret) {
        if ((tokens == null || tokens.isEmpty()) && (subnets == null || subnets.isEmpty())) {
            return null;
        }
        return new ViewerAccess(
                tokens == null
                        ? null
                        : tokens.stream().map(t -> hmac(secret, t)).toList(),
                subnets,
                origins);
    }

    /**
     * Whether a viewer at {@code client} presenting {@code token} (null: none) may watch;
     * {@code secret} is the bridge's (null while this gateway has none: no token can be checked).
     */
    public Decision check(InetAddress client, String token, byte[] secret) {
        if (!subnets.isEmpty()
                && subnets.stream().noneMatch(s -> Subnet.parse(s).contains(client))) {
            return Decision.ADDRESS_NOT_ALLOWED;
        }
        if (tokenHmac.isEmpty()) {
            return Decision.ALLOWED;
        }
        if (token == null || token.isEmpty()) {
            return Decision.TOKEN_MISSING;
        }
        if (secret == null) {
            return Decision.TOKEN_INVALID;
        }
        byte[] presented = HexFormat.of().parseHex(hmac(secret, token));
        boolean ok = false;
        for (String mac : tokenHmac) {
            ok |= MessageDigest.isEqual(presented, HexFormat.of().parseHex(mac));
        }
        return ok ? Decision.ALLOWED : Decision.TOKEN_INVALID;
    }

    /** HMAC-SHA256 (RFC 2104) of the token's UTF-8 bytes under secret, as hex. */
    public static String hmac(byte[] secret, String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(token.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }
}
