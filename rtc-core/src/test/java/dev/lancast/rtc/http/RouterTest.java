package dev.lancast.rtc.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

class RouterTest {
    private final Router router = new Router()
            .route(HttpMethod.POST, "/whip/{stream}", r -> Response.empty(201))
            .route(HttpMethod.DELETE, "/whip/{stream}/{session}", r -> Response.empty(200))
            .route(HttpMethod.GET, "/assets/**", r -> Response.empty(200));

    @Test
    void bindsPathParameters() {
        boolean[] exists = new boolean[1];
        Router.Match m = router.match(HttpMethod.DELETE, "/whip/main/abc123", exists);
        assertEquals("main", m.params().get("stream"));
        assertEquals("abc123", m.params().get("session"));
    }

    @Test
    void tellsAWrongMethodFromAMissingPath() {
        boolean[] exists = new boolean[1];
        assertNull(router.match(HttpMethod.GET, "/whip/main", exists));
        assertTrue(exists[0], "path exists, so the answer is 405");
        boolean[] missing = new boolean[1];
        assertNull(router.match(HttpMethod.POST, "/whep/main/x/y", missing));
        assertFalse(missing[0], "no such path, so the answer is 404");
    }

    /** RFC 9110 15.5.6: a 405 carries Allow with the methods the path has. */
    @Test
    void namesTheMethodsAPathAllows() {
        assertEquals("POST, OPTIONS", router.allowed("/whip/main"));
        assertEquals("DELETE, OPTIONS", router.allowed("/whip/main/abc123"));
    }

    @Test
    void emptySegmentsDoNotMatchParameters() {
        assertNull(router.match(HttpMethod.POST, "/whip/", new boolean[1]));
    }

    @Test
    void wildcardTakesTheRest() {
        Router.Match m = router.match(HttpMethod.GET, "/assets/js/viewer.js", new boolean[1]);
        assertEquals("js/viewer.js", m.params().get("**"));
    }

    @Test
    void bearerTokensCompareExactly() {
        assertTrue(Bearer.matches("s3cret", "s3cret"));
        assertFalse(Bearer.matches("s3cret", "s3cret2"));
        assertFalse(Bearer.matches(null, "s3cret"));
    }
}
