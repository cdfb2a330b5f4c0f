package dev.lancast.rtc.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViewerAccessTest {
    private static final String TOKEN = "viewer-token-0123456789";
    private static final byte[] SECRET =
            "a bridge secret of 32 bytes.....".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    @Test
    void noTokensAndNoSubnetsIsOpen() {
        assertNull(ViewerAccess.of(List.of(), null, SECRET));
    }

    @Test
    void tokensAreCheckedAndNeverPublished() throws Exception {
        ViewerAccess access = ViewerAccess.of(List.of("another-token-abcdefgh", TOKEN), null, SECRET);
        InetAddress anyone = InetAddress.getByName("198.18.5.5");
        assertEquals(ViewerAccess.Decision.ALLOWED, access.check(anyone, TOKEN, SECRET));
        assertEquals(ViewerAccess.Decision.TOKEN_MISSING, access.check(anyone, null, SECRET));
        assertEquals(ViewerAccess.Decision.TOKEN_MISSING, access.check(anyone, "", SECRET));
        assertEquals(ViewerAccess.Decision.TOKEN_INVALID, access.check(anyone, TOKEN + "x", SECRET));
        String json = new ObjectMapper().writeValueAsString(access);
        assertFalse(json.contains(TOKEN), json);
        assertEquals(access, new ObjectMapper().readValue(json, ViewerAccess.class), "survives the catalog's JSON");
        // RFC 4231 test case 2.
        assertEquals(
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                ViewerAccess.hmac(
                        "Jefe".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "what do ya want for nothing?"));
    }

    @Test
    void subnetsAreCheckedBeforeTokens() throws Exception {
        ViewerAccess access = ViewerAccess.of(List.of(TOKEN), List.of("198.18.1.0/24", "fd00::/8"), SECRET);
        assertEquals(ViewerAccess.Decision.ALLOWED, access.check(InetAddress.getByName("198.18.1.77"), TOKEN, SECRET));
        assertEquals(
                ViewerAccess.Decision.TOKEN_MISSING, access.check(InetAddress.getByName("198.18.1.77"), null, SECRET));
        assertEquals(
                ViewerAccess.Decision.ADDRESS_NOT_ALLOWED,
                access.check(InetAddress.getByName("198.18.2.1"), TOKEN, SECRET));
        assertEquals(ViewerAccess.Decision.ALLOWED, access.check(InetAddress.getByName("fd12::1"), TOKEN, SECRET));
        ViewerAccess subnetsOnly = ViewerAccess.of(null, List.of("198.18.1.0/24"), SECRET);
        assertEquals(
                ViewerAccess.Decision.ALLOWED, subnetsOnly.check(InetAddress.getByName("198.18.1.1"), null, SECRET));
        assertEquals(
                ViewerAccess.Decision.ADDRESS_NOT_ALLOWED,
                subnetsOnly.check(InetAddress.getByName("127.0.0.1"), null, SECRET));
    }

    /** Issue 14: the catalog carried unsalted SHA-256 of each token, which a short token does not survive. */
    @Test
    void thePublishedMacsNeedTheBridgesSecret() throws Exception {
        ViewerAccess access = ViewerAccess.of(List.of(TOKEN), null, SECRET);
        String sha256 = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(TOKEN.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertFalse(access.tokenHmac().contains(sha256), "not the plain hash");
        assertFalse(
                access.equals(ViewerAccess.of(List.of(TOKEN), null, "another secret".getBytes())),
                "another bridge, other MACs");
        InetAddress anyone = InetAddress.getByName("198.18.5.5");
        assertEquals(ViewerAccess.Decision.TOKEN_INVALID, access.check(anyone, TOKEN, "another secret".getBytes()));
        assertEquals(
                ViewerAccess.Decision.TOKEN_INVALID,
                access.check(anyone, TOKEN, null),
                "no secret yet: no token passes");
    }
}
