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

    /** Issue 22 (N8): a 404 or 405 answered "*", so any page could probe which servers and paths answer. */
    @Test
    void noCorsOnA404OrA405AndPerPathPolicies() {
        Router r = new Router()
                .route(HttpMethod.POST, "/whep/{stream}", x -> Response.empty(201))
                .cors(
                        "/whep/{stream}",
                        (params, request) -> params.get("stream").equals("staff")
                                ? ("http://gw:8081".equals(request.origin()) ? request.origin() : null)
                                : "*")
                .ownOriginOnly("/api/status", "http://bridge:8080"::equalsIgnoreCase);
        CorsPolicy.CorsRequest elsewhere = new CorsPolicy.CorsRequest("http://elsewhere.example", "gw:8081", false);
        assertNull(r.allowedOrigin("/nothing/here", elsewhere, 404));
        assertNull(r.allowedOrigin("/whep/open", elsewhere, 405));
        assertNull(r.allowedOrigin("/whep/open", elsewhere, 404));
        assertEquals("*", r.allowedOrigin("/whep/open", elsewhere, 201));
        assertEquals("*", r.allowedOrigin("/assets/x.js", elsewhere, 200), "paths without a policy: any page");
        assertNull(r.allowedOrigin("/whep/staff", elsewhere, 201));
        CorsPolicy.CorsRequest own = new CorsPolicy.CorsRequest("http://gw:8081", "gw:8081", false);
        assertEquals("http://gw:8081", r.allowedOrigin("/whep/staff", own, 201));
        assertNull(r.allowedOrigin("/api/status", own, 200));
        assertEquals(
                "http://bridge:8080",
                r.allowedOrigin(
                        "/api/status", new CorsPolicy.CorsRequest("http://bridge:8080", "gw:8081", false), 200));
    }

    @Test
    void sameOriginAsHostComparesSchemeHostAndPort() {
        assertTrue(new CorsPolicy.CorsRequest("http://10.0.0.5:8081", "10.0.0.5:8081", false).sameOriginAsHost());
        assertFalse(new CorsPolicy.CorsRequest("http://10.0.0.5:8081", "10.0.0.5:8081", true).sameOriginAsHost());
        assertFalse(new CorsPolicy.CorsRequest("http://10.0.0.6:8081", "10.0.0.5:8081", false).sameOriginAsHost());
        assertFalse(new CorsPolicy.CorsRequest(null, "10.0.0.5:8081", false).sameOriginAsHost());
    }
}
