package dev.lancast.rtc.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Routes by method and path pattern ("/whip/{stream}/{session}"). A route may carry a header
 * check that runs before the body is read, so an unauthenticated client cannot make us buffer it.
 */
public final class Router {
    @FunctionalInterface
    public interface Handler {
        Response handle(Request request) throws HttpError;
    }

    @FunctionalInterface
    public interface HeaderCheck {
        void check(HttpHeaders headers, Map<String, String> pathParams) throws HttpError;
    }

    /** A header check that also sees the verified TLS client certificate (null: none, or plain HTTP). */
    @FunctionalInterface
    public interface ClientCheck {
        void check(HttpHeaders headers, Map<String, String> pathParams, X509Certificate clientCertificate)
                throws HttpError;
    }

    record Route(HttpMethod method, String[] segments, Handler handler, ClientCheck check) {
    }

    record Match(Route route, Map<String, String> params) {
    }

    private final List<Route> routes = new ArrayList<>();
    private final List<OwnOrigin> ownOriginOnly = new ArrayList<>();
    private final List<String[]> httpsOnly = new ArrayList<>();
    private boolean allowPlainCredentials;
    private java.util.function.Supplier<String> httpsHint = () -> "use HTTPS";

    /** A path kept to the server's own pages, and to those of the origins a test trusts. */
    private record OwnOrigin(String[] pattern, java.util.function.Predicate<String> trusted) {
    }

    public Router route(HttpMethod method, String pattern, Handler handler) {
        return route(method, pattern, handler, (ClientCheck) null);
    }

    public Router route(HttpMethod method, String pattern, Handler handler, HeaderCheck check) {
        return route(method, pattern, handler, (headers, params, certificate) -> check.check(headers, params));
    }

    public Router route(HttpMethod method, String pattern, Handler handler, ClientCheck check) {
        routes.add(new Route(method, split(pattern), handler, check));
        return this;
    }

    /**
     * Responses on paths of this pattern carry no CORS headers, and a preflight for them is not
     * granted: only pages of the server's own origin (which need no CORS) may read them, not a page
     * of any web site that someone on the LAN happens to open. For status, metrics and admin APIs.
     */
    public Router ownOriginOnly(String pattern) {
        return ownOriginOnly(pattern, () -> null);
    }

    /**
     * As {@link #ownOriginOnly(String)}, but pages of one trusted origin ({@code scheme://host:port},
     * from the supplier at each request; null: none) may read the responses too: the gateway's
     * status for the admin page of the bridge it serves.
     */
    public Router ownOriginOnly(String pattern, java.util.function.Supplier<String> trustedOrigin) {
        return ownOriginOnly(pattern, (java.util.function.Predicate<String>) origin -> {
            String trusted = trustedOrigin.get();
            return trusted != null && trusted.equalsIgnoreCase(origin);
        });
    }

    /** As above, with the trusted origins told by a test of the request's {@code Origin} (never null). */
    public Router ownOriginOnly(String pattern, java.util.function.Predicate<String> trusted) {
        ownOriginOnly.add(new OwnOrigin(split(pattern), trusted));
        return this;
    }

    /**
     * Requests on paths of these patterns carry or return credentials or keys: over plain HTTP they
     * get 403 before their route runs (its check included, so no credential is even compared), with
     * a reason that says what to configure, unless {@code allowPlain} (labs only).
     *
     * @param hint where the same is served over HTTPS, for the refusal ("the bridge serves them at https://...")
     */
    public Router credentialsOverHttpsOnly(boolean allowPlain, java.util.function.Supplier<String> hint,
                                           String... patterns) {
        this.allowPlainCredentials = allowPlain;
        this.httpsHint = hint;
        for (String pattern : patterns) {
            httpsOnly.add(split(pattern));
        }
        return this;
    }

    /** Why a request on this path may not be served over plain HTTP, or null when it may. */
    String plainRefusal(String path) {
        if (allowPlainCredentials) {
            return null;
        }
        String[] parts = split(path);
        for (String[] pattern : httpsOnly) {
            if (bind(pattern, parts) != null) {
                return "keys and gateway credentials are never sent over plain HTTP, where anyone on the LAN can read "
                        + "them: " + httpsHint.get() + " (a gateway checks its certificate with its token, or with "
                        + "bridgeTls). Labs only: http.allowPlainCredentials: true";
            }
        }
        return null;
    }

    /**
     * The Access-Control-Allow-Origin for a response on this path to a request from
     * {@code requestOrigin} (null without an Origin header): "*" where pages of any origin may read
     * it, the request's origin where it is the path's trusted one, else null (no CORS at all).
     */
    String allowedOrigin(String path, String requestOrigin) {
        String[] parts = split(path);
        for (OwnOrigin own : ownOriginOnly) {
            if (bind(own.pattern(), parts) != null) {
                return requestOrigin != null && own.trusted().test(requestOrigin) ? requestOrigin : null;
            }
        }
        return "*";
    }

    /** The route for this method and path, or null; {@code pathExists} tells 404 from 405. */
    Match match(HttpMethod method, String path, boolean[] pathExists) {
        String[] parts = split(path);
        for (Route route : routes) {
            Map<String, String> params = bind(route.segments, parts);
            if (params != null) {
                pathExists[0] = true;
                if (route.method.equals(method)) {
                    return new Match(route, params);
                }
            }
        }
        return null;
    }

    /** The methods routed for this path, for a 405's Allow header (RFC 9110 15.5.6), OPTIONS included. */
    String allowed(String path) {
        String[] parts = split(path);
        java.util.Set<String> methods = new java.util.LinkedHashSet<>();
        for (Route route : routes) {
            if (bind(route.segments, parts) != null) {
                methods.add(route.method.name());
            }
        }
        methods.add(HttpMethod.OPTIONS.name());
        return String.join(", ", methods);
    }

    private static Map<String, String> bind(String[] pattern, String[] parts) {
        boolean wildcard = pattern.length > 0 && pattern[pattern.length - 1].equals("**");
        if (wildcard ? parts.length < pattern.length - 1 : parts.length != pattern.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.equals("**")) {
                params.put("**", String.join("/", java.util.Arrays.copyOfRange(parts, i, parts.length)));
                return params;
            }
            if (p.startsWith("{") && p.endsWith("}")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                params.put(p.substring(1, p.length() - 1), parts[i]);
            } else if (!p.equals(parts[i])) {
                return null;
            }
        }
        return params;
    }

    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }
}
