package dev.lancast.rtc.http;

import java.util.Map;

/**
 * Which web pages may read the responses on a path (CORS): decides the
 * Access-Control-Allow-Origin of each response, and so whether a browser grants a page of
 * another origin its preflight. A browser enforces the answer; a client without an Origin
 * header is not a page and is not concerned.
 */
@FunctionalInterface
public interface CorsPolicy {
    /** Any page may: the default for the paths of players and publishers of open streams. */
    CorsPolicy ANY = (params, request) -> "*";

    /**
     * "*" (any page), {@code request.origin()} (that page only), or null (no CORS headers at all:
     * only pages of the server's own origin, which need none, may read it).
     *
     * @param params the path parameters of the pattern the policy was set for
     */
    String allowOrigin(Map<String, String> params, CorsRequest request);

    /**
     * What a policy sees of a request.
     *
     * @param origin its Origin header, null without one (not from a web page, or a same-origin GET)
     * @param host   its Host header, null without one
     * @param secure whether it came to the HTTPS listener
     */
    record CorsRequest(String origin, String host, boolean secure) {
        /** Whether the Origin is the page's own server as this request named it ({@code scheme://Host}). */
        public boolean sameOriginAsHost() {
            return origin != null && host != null && origin.equalsIgnoreCase((secure ? "https://" : "http://") + host);
        }
    }
}
