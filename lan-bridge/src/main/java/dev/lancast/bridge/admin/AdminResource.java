package dev.lancast.bridge.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * The admin page: {@code GET /admin} (static, holds no data) and {@code GET /api/admin/history}
 * (the bridge's status now and the {@link StatsHistory} behind the charts). The data is given to
 * loopback clients, as on the demo's machine, and elsewhere only with a Bearer token from
 * {@code admin.tokens}; with none configured, to loopback only.
 */
public final class AdminResource {
    private final Supplier<List<String>> tokens;
    private final Supplier<Map<String, Object>> status;
    private final StatsHistory history;
    private final StaticResources web;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param tokens the admin tokens in force (read at each request: a reload changes them)
     * @param status what the page shows as "now" (streams, gateways, groups, last reload)
     */
    public AdminResource(Supplier<List<String>> tokens, Supplier<Map<String, Object>> status, StatsHistory history,
                         StaticResources web) {
        this.tokens = tokens;
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
        List<Map<String, Object>> samples = history.samples().stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", s.atMillis());
            m.put("viewers", s.viewers());
            m.put("bitrateBps", s.bitrateBps());
            return m;
        }).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("now", status.get());
        out.put("samples", samples);
        try {
            return Response.json(200, json.writeValueAsString(out)).withHeader("Cache-Control", "no-store");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    void authorize(Request request) throws HttpError {
        if (request.remote().getAddress().isLoopbackAddress()) {
            return;
        }
        List<String> allowed = tokens.get();
        if (allowed.isEmpty()) {
            throw new HttpError(403, "the admin data is served to loopback clients only; set admin.tokens in the "
                    + "bridge config to read it from other machines");
        }
        String presented = Bearer.token(request.headers());
        boolean ok = false;
        for (String t : allowed) {
            ok |= Bearer.matches(presented, t);
        }
        if (!ok) {
            throw new HttpError(401, presented == null ? "missing 'Authorization: Bearer <admin token>'"
                    : "invalid admin token");
        }
    }
}
