package dev.lancast.bridge.admin;

import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.rtc.http.Bearer;
import dev.lancast.rtc.http.HttpError;
import dev.lancast.rtc.http.Request;
import dev.lancast.rtc.http.Response;
import dev.lancast.rtc.http.Router;
import dev.lancast.rtc.http.StaticResources;
import io.netty.handler.codec.http.HttpMethod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The admin page: {@code GET /admin} (static, holds no data) and {@code GET /api/admin/history}
 * (the bridge's status now and the {@link StatsHistory} behind the charts). The data is given with
 * a Bearer token from {@code admin.tokens}, and without one only where {@code admin.loopback} says
 * so, to a loopback client that names the bridge by a loopback Host (N18: a reverse proxy on the
 * bridge's machine makes every client loopback, and a page can rebind its own DNS name to
 * 127.0.0.1; neither comes with a loopback Host).
 */
public final class AdminResource {
    private static final Pattern LOOPBACK_HOST =
            Pattern.compile("(localhost|127(\\.\\d{1,3}){3}|\\[::1\\])(:\\d{1,5})?");
    private final Supplier<BridgeConfig.AdminSettings> settings;
    private final Supplier<Map<String, Object>> status;
    private final StatsHistory history;
    private final StaticResources web;

    /**
     * @param settings the admin settings in force (read at each request: a reload changes them)
     * @param status   what the page shows as "now" (streams, gateways, groups, last reload)
     */
    public AdminResource(
            Supplier<BridgeConfig.AdminSettings> settings,
            Supplier<Map<String, Object>> status,
            StatsHistory history,
            StaticResources web) {
        this.settings = settings;
        this.status = status;
        this.history = history;
        this.web = web;
    }

    public void register(Router router) {
        router.route(HttpMethod.GET, "/admin", web.file("admin.html"));
        router.route(HttpMethod.GET, "/api/admin/history", this::history);
    }

    private Response history(Request request) throws HttpError {
        authorize(request);
        List<Map<String, Object>> samples = history.samples().stream()
                .map(s -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("at", s.atMillis());
                    m.put("viewers", s.viewers());
                    m.put("bitrateBps", s.bitrateBps());
                    return m;
                })
                .toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("now", status.get());
        out.put("samples", samples);
        return Response.jsonOf(200, out).withHeader("Cache-Control", "no-store");
    }

    void authorize(Request request) throws HttpError {
        BridgeConfig.AdminSettings admin = settings.get();
        String presented = Bearer.token(request.headers());
        if (presented == null
                && admin.loopback()
                && request.remote().getAddress().isLoopbackAddress()) {
            String host = request.headers().get("Host");
            if (host != null && LOOPBACK_HOST.matcher(host).matches()) {
                return;
            }
            throw new HttpError(
                    403,
                    "admin.loopback gives the admin data to clients that open the bridge as "
                            + "localhost or 127.0.0.1, not as '" + host + "'; use an admin token (admin.tokens)");
        }
        List<String> allowed = admin.tokens();
        if (allowed.isEmpty()) {
            throw new HttpError(
                    403,
                    "the admin data needs a token: set admin.tokens in the bridge config (or, for "
                            + "the bridge's own machine, admin.loopback: true)");
        }
        boolean ok = false;
        for (String t : allowed) {
            ok |= Bearer.matches(presented, t);
        }
        if (!ok) {
            throw new HttpError(
                    401, presented == null ? "missing 'Authorization: Bearer <admin token>'" : "invalid admin token");
        }
    }
}
