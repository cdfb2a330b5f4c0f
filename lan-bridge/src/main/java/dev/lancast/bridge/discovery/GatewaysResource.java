package dev.lancast.bridge.discovery;

import dev.lancast.rtc.discovery.GatewayInfo;
import dev.lancast.rtc.http.HttpError;
import dev.lancast.rtc.http.Request;
import dev.lancast.rtc.http.Response;
import dev.lancast.rtc.http.Router;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The gateways' side of the API and the viewers' portal:
 * <ul>
 * <li>{@code PUT /api/gateways/{name}}: registration and heartbeat (JSON {@link GatewayInfo}, read by
 * {@link HeartbeatReader}; that gateway's token or certificate; its viewer page URL checked by
 * {@link ViewerUrlCheck});</li>
 * <li>{@code DELETE /api/gateways/{name}}: goodbye (that gateway's token or certificate);</li>
 * <li>{@code GET /api/gateways}: the registry, as in /api/status;</li>
 * <li>{@code GET /watch/{stream}} and {@code GET /}: redirect a viewer to its gateway's viewer page
 * ({@code ?avoid=ORIGIN}: not to that gateway; a legacy {@code ?token=} is passed on in the URL
 * fragment, which browsers keep across the redirect and send to no server).</li>
 * </ul>
 */
public final class GatewaysResource {
    /** Longer than a crashed gateway stays in the registry, so a retry does not meet it again. */
    private static final int RETRY_SECONDS = 10;

    private final GatewayRegistry registry;
    private final Portal portal;
    private final Router.ClientCheck gatewayAuth;
    private final Supplier<List<String>> streams;
    private final ViewerUrlCheck urlCheck;
    private final HeartbeatReader heartbeats = new HeartbeatReader();

    /**
     * @param gatewayAuth checks, before the body is read, that the request carries the token or
     *                    client certificate of the gateway its path names
     * @param streams     the configured streams; "/" sends viewers to the first one
     * @param hostNames   host names gateways may give in their viewer page URL (discovery.gatewayHostNames)
     */
    public GatewaysResource(
            GatewayRegistry registry,
            Router.ClientCheck gatewayAuth,
            Supplier<List<String>> streams,
            Supplier<List<String>> hostNames) {
        this.registry = registry;
        this.portal = new Portal(registry, new SecureRandom());
        this.gatewayAuth = gatewayAuth;
        this.streams = streams;
        this.urlCheck = new ViewerUrlCheck(hostNames);
    }

    public void register(Router router) {
        router.route(HttpMethod.PUT, "/api/gateways/{name}", this::heartbeat, gatewayAuth);
        router.route(HttpMethod.DELETE, "/api/gateways/{name}", this::goodbye, gatewayAuth);
        router.route(HttpMethod.GET, "/api/gateways", request -> Response.jsonOf(200, list()));
        router.route(HttpMethod.GET, "/watch/{stream}", request -> watch(request, request.param("stream")));
        router.route(HttpMethod.GET, "/", this::home);
    }

    private Response heartbeat(Request request) throws HttpError {
        GatewayInfo info = heartbeats.read(request);
        urlCheck.check(info, request.remote().getAddress());
        registry.heartbeat(info);
        return Response.empty(204);
    }

    private Response goodbye(Request request) {
        registry.left(
                request.param("name"),
                "goodbye from " + request.remote().getAddress().getHostAddress());
        return Response.empty(204);
    }

    private Response home(Request request) throws HttpError {
        List<String> names = streams.get();
        if (names.isEmpty()) {
            return Response.empty(302).withHeader("Location", "/broadcast");
        }
        return watch(request, names.get(0));
    }

    private Response watch(Request request, String stream) throws HttpError {
        if (!streams.get().contains(stream)) {
            throw new HttpError(404, "no stream named '" + stream + "'");
        }
        // Tokens travel in fragments only (security review N14): a query string is logged by proxies
        // and servers; a fragment reaches no server. Links made before that still carry ?token=.
        String token = request.queryParam("token");
        String fragment = token == null ? "" : "#token=" + encode(token);
        Optional<GatewayInfo> chosen =
                portal.choose(request.remote().getAddress(), stream, request.queryParam("avoid"));
        if (chosen.isEmpty()) {
            // A viewer's browser lands here; the page retries by itself (without 'avoid': by then the
            // registry has dropped a crashed gateway) until a gateway serves the stream again. The
            // refresh URL has no fragment, so the browser keeps the one the viewer came with.
            String retry = "/watch/" + stream;
            String page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                    + "<meta http-equiv=\"refresh\" content=\"" + RETRY_SECONDS + "; url=" + retry + "\">"
                    + "<title>lancast: " + stream + "</title></head><body><p>No gateway is serving stream '" + stream
                    + "' right now. This page tries again every " + RETRY_SECONDS + " seconds.</p></body></html>\n";
            return new Response(503, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8), Map.of())
                    .withHeader("Retry-After", Integer.toString(RETRY_SECONDS))
                    .withHeader("Cache-Control", "no-store");
        }
        StringBuilder location =
                new StringBuilder(chosen.get().url()).append("?stream=").append(encode(stream));
        String host = request.headers().get("Host");
        if (host != null && host.matches("[A-Za-z0-9.:\\[\\]-]+")) {
            // The viewer page comes back to {portal}/watch/{stream} when no gateway it knows answers; it
            // trusts this only where the gateway names the same bridge host (viewer.js).
            location.append("&portal=").append(encode((request.secure() ? "https://" : "http://") + host));
        }
        location.append(fragment);
        return Response.empty(302).withHeader("Location", location.toString()).withHeader("Cache-Control", "no-store");
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The registry as the admin reads it in /api/status. */
    public List<Map<String, Object>> list() {
        return registry.list().stream()
                .map(e -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    GatewayInfo g = e.info();
                    m.put("name", g.name());
                    m.put("subnet", g.subnet().toString());
                    m.put("url", g.url());
                    m.put("streams", g.streams());
                    m.put("viewers", g.viewers());
                    m.put("capacity", g.capacity());
                    m.put("layers", g.layers()); // per stream: each layer received, joined?, viewers on it
                    m.put("lastSeen", Instant.ofEpochMilli(e.lastSeenMillis()).toString());
                    m.put("foundBy", e.foundBy().label());
                    m.put("authenticated", e.authenticated());
                    m.put("inRotation", e.inRotation(registry.nowMillis()));
                    return m;
                })
                .toList();
    }
}
