package dev.lancast.rtc.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

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

    record Route(HttpMethod method, String[] segments, Handler handler, ClientCheck check) {}

    record Match(Route route, Map<String, String> params) {}

    private final List<Route> routes = new ArrayList<>();
    private final List<Cors> cors = new ArrayList<>();
    private final List<String[]> httpsOnly = new ArrayList<>();
    private boolean allowPlainCredentials;
    private Supplier<String> httpsHint = () -> "use HTTPS";

    /** The CORS policy of the paths of one pattern; the first pattern a path matches decides. */
    private record Cors(String[] pattern, CorsPolicy policy) {}

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
        return ownOriginOnly(pattern, origin -> false);
    }

    /**
     * As {@link #ownOriginOnly(String)}, but pages of the origins the test trusts (given the
     * request's {@code Origin}, never null) may read the responses too: the gateway's status for
     * the admin page of the bridge it serves.
     */
    public Router ownOriginOnly(String pattern, Predicate<String> trusted) {
        return cors(
                pattern,
                (params, request) ->
                        request.origin() != null && trusted.test(request.origin()) ? request.origin() : null);
    }

    /**
     * The pages that may read responses on paths of this pattern, decided per request (per stream,
     * say, from the path parameters). Paths without a policy allow any origin.
     */
    public Router cors(String pattern, CorsPolicy policy) {
        cors.add(new Cors(split(pattern), policy));
        return this;
    }

    /**
     * Requests on paths of these patterns carry or return credentials or keys: over plain HTTP they
     * get 403 before their route runs (its check included, so no credential is even compared), with
     * a reason that says what to configure, unless {@code allowPlain} (labs only).
     *
     * @param hint where the same is served over HTTPS, for the refusal ("the bridge serves them at https://...")
     */
    public Router credentialsOverHttpsOnly(boolean allowPlain, Supplier<String> hint, String... patterns) {
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
     * The Access-Control-Allow-Origin for a response of this status on this path: "*" where pages of
     * any origin may read it, the request's origin where the path's policy allows it, else null (no
     * CORS at all). A 404 or 405 allows none: a page of any web site that someone on the LAN opens
     * must not learn which servers and paths answer.
     */
    String allowedOrigin(String path, CorsPolicy.CorsRequest request, int status) {
        if (status == 404 || status == 405) {
            return null;
        }
        String[] parts = split(path);
        for (Cors c : cors) {
            Map<String, String> params = bind(c.pattern(), parts);
            if (params != null) {
                return c.policy().allowOrigin(params, request);
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
        Set<String> methods = new LinkedHashSet<>();
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
                params.put("**", String.join("/", Arrays.copyOfRange(parts, i, parts.length)));
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
