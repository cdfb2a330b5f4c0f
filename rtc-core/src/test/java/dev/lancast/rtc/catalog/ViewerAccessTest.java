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

    @Test
    void noTokensAndNoSubnetsIsOpen() {
        assertNull(ViewerAccess.of(List.of(), null));
    }

    @Test
    void tokensAreCheckedAndNeverPublished() throws Exception {
        ViewerAccess access = ViewerAccess.of(List.of("another-token-abcdefgh", TOKEN), null);
        InetAddress anyone = InetAddress.getByName("198.18.5.5");
        assertEquals(ViewerAccess.Decision.ALLOWED, access.check(anyone, TOKEN));
        assertEquals(ViewerAccess.Decision.TOKEN_MISSING, access.check(anyone, null));
        assertEquals(ViewerAccess.Decision.TOKEN_MISSING, access.check(anyone, ""));
        assertEquals(ViewerAccess.Decision.TOKEN_INVALID, access.check(anyone, TOKEN + "x"));
        String json = new ObjectMapper().writeValueAsString(access);
        assertFalse(json.contains(TOKEN), json);
        assertEquals(access, new ObjectMapper().readValue(json, ViewerAccess.class), "survives the catalog's JSON");
        // RFC 6234 test vector: SHA-256("abc").
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ViewerAccess.sha256("abc"));
    }

    @Test
    void subnetsAreCheckedBeforeTokens() throws Exception {
        ViewerAccess access = ViewerAccess.of(List.of(TOKEN), List.of("198.18.1.0/24", "fd00::/8"));
        assertEquals(ViewerAccess.Decision.ALLOWED, access.check(InetAddress.getByName("198.18.1.77"), TOKEN));
        assertEquals(ViewerAccess.Decision.TOKEN_MISSING, access.check(InetAddress.getByName("198.18.1.77"), null));
        assertEquals(ViewerAccess.Decision.ADDRESS_NOT_ALLOWED, access.check(InetAddress.getByName("198.18.2.1"), TOKEN));
        assertEquals(ViewerAccess.Decision.ALLOWED, access.check(InetAddress.getByName("fd12::1"), TOKEN));
        ViewerAccess subnetsOnly = ViewerAccess.of(null, List.of("198.18.1.0/24"));
        assertEquals(ViewerAccess.Decision.ALLOWED, subnetsOnly.check(InetAddress.getByName("198.18.1.1"), null));
        assertEquals(ViewerAccess.Decision.ADDRESS_NOT_ALLOWED, subnetsOnly.check(InetAddress.getByName("127.0.0.1"), null));
    }
}
