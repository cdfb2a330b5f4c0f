package dev.lancast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.bridge.Bridge;
import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.bridge.config.StreamConfig;
import dev.lancast.bridge.config.TrackGroup;
import dev.lancast.bridge.config.ViewerSettings;
import dev.lancast.gateway.Gateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: every response said Access-Control-Allow-Origin: *, so any web page that someone on the
 * LAN opened could read the bridge's and gateways' status and metrics. Those (and the keys, the
 * registry, admin) now answer only their own origin (a gateway's status also the origin of its
 * bridge, for the admin page); WHIP, WHEP and the catalog stay open to all.
 */
@Tag("loopback")
class CorsTest {
    private static final String GATEWAY_TOKEN = "gateway-token-0123456789";
    private static final String ELSEWHERE = "http://some-site.example";

    @Test
    void statusMetricsKeysAndRegistryAreForTheServersOwnOriginOnly() throws Exception {
        int base = 20000 + 8 * ThreadLocalRandom.current().nextInt(4000);
        String group = "239.255." + ThreadLocalRandom.current().nextInt(1, 255) + "."
                + ThreadLocalRandom.current().nextInt(1, 255);
        BridgeConfig bridgeConfig = LoopbackConfigs.bridge(
                base,
                LoopbackConfigs.keys(GATEWAY_TOKEN, List.of("admin-token-0123456789")),
                List.of(LoopbackConfigs.stream("main", group, base + 4), staff(group, base + 8)),
                LoopbackConfigs.BRIDGE_NO_MDNS);
        HttpClient http = HttpClient.newHttpClient();
        try (Bridge bridge = new Bridge(bridgeConfig)) {
            String bridgeUrl = "http://127.0.0.1:" + bridge.httpAddress().getPort();
            try (Gateway gateway = new Gateway(
                    LoopbackConfigs.gateway(base, bridgeUrl, GATEWAY_TOKEN, LoopbackConfigs.GATEWAY_NO_MDNS))) {
                String gatewayUrl = "http://127.0.0.1:" + gateway.httpAddress().getPort();
                for (String url : List.of(
                        bridgeUrl + "/api/status",
                        bridgeUrl + "/metrics",
                        bridgeUrl + "/api/keys",
                        bridgeUrl + "/api/gateways",
                        gatewayUrl + "/api/status",
                        gatewayUrl + "/metrics")) {
                    assertEquals(Optional.empty(), allowOrigin(http, "GET", url), url);
                    assertEquals(Optional.empty(), allowOrigin(http, "OPTIONS", url), "preflight of " + url);
                }
                assertEquals(Optional.empty(), allowOrigin(http, "OPTIONS", bridgeUrl + "/api/keys/rotate"));
                for (String url :
                        List.of(bridgeUrl + "/api/streams", bridgeUrl + "/whip/main", gatewayUrl + "/whep/main")) {
                    assertEquals(
                            Optional.of("*"), allowOrigin(http, "OPTIONS", url), "players elsewhere may use " + url);
                }
                assertEquals(Optional.of("*"), allowOrigin(http, "GET", bridgeUrl + "/api/streams"));
                HttpResponse<String> own = http.send(
                        HttpRequest.newBuilder(URI.create(bridgeUrl + "/api/status"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, own.statusCode());
                assertTrue(own.body().startsWith("{"), "same-origin pages and tools still read it");
                // The bridge's admin page shows each gateway's repair figures: the gateway's status,
                // and only it, is readable by pages of the host of the bridge the gateway serves.
                assertEquals(Optional.of(bridgeUrl), allowOrigin(http, "GET", gatewayUrl + "/api/status", bridgeUrl));
                assertEquals(Optional.empty(), allowOrigin(http, "GET", gatewayUrl + "/metrics", bridgeUrl));
                // The bridge's host, on its plain or HTTPS port (the gateway knows only the one it fetches keys from).
                assertEquals(
                        Optional.of("https://127.0.0.1:8443"),
                        allowOrigin(http, "GET", gatewayUrl + "/api/status", "https://127.0.0.1:8443"));
                assertEquals(
                        Optional.empty(), allowOrigin(http, "GET", gatewayUrl + "/api/status", "http://127.0.0.2:1"));
                assertEquals(Optional.empty(), allowOrigin(http, "GET", gatewayUrl + "/api/status", "null"));

                // Issue 22 (N8): a restricted stream only for the gateway's and the bridge's pages.
                waitForStream(http, gatewayUrl, "staff");
                assertEquals(
                        Optional.empty(),
                        allowOrigin(http, "OPTIONS", gatewayUrl + "/whep/staff"),
                        "another site's page");
                assertEquals(Optional.empty(), allowOrigin(http, "OPTIONS", gatewayUrl + "/whep/staff/abc"));
                assertEquals(
                        Optional.of(gatewayUrl), allowOrigin(http, "OPTIONS", gatewayUrl + "/whep/staff", gatewayUrl));
                assertEquals(
                        Optional.of(bridgeUrl), allowOrigin(http, "OPTIONS", gatewayUrl + "/whep/staff", bridgeUrl));
                HttpResponse<String> post = http.send(
                        HttpRequest.newBuilder(URI.create(gatewayUrl + "/whep/staff"))
                                .header("Origin", ELSEWHERE)
                                .header("Content-Type", "application/sdp")
                                .POST(HttpRequest.BodyPublishers.ofString("v=0\r\n"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(403, post.statusCode(), post.body());
                assertEquals(Optional.empty(), post.headers().firstValue("Access-Control-Allow-Origin"));
                // No "*" on a 404 or a 405: a page elsewhere cannot read which servers and paths answer.
                assertEquals(Optional.empty(), allowOrigin(http, "GET", gatewayUrl + "/no/such/path"));
                assertEquals(Optional.empty(), allowOrigin(http, "GET", gatewayUrl + "/whep/main"));
            }
        }
    }

    /** Viewers from loopback only: a stream with a policy. */
    private static StreamConfig staff(String group, int port) {
        return new StreamConfig(
                "staff",
                List.of("staff-whip-token-0123"),
                0,
                new TrackGroup(group, port, null),
                new TrackGroup(group, port + 2, null),
                null,
                null,
                false,
                0,
                new ViewerSettings(List.of(), List.of("127.0.0.0/8")));
    }

    /** Until the gateway has the stream's catalog entry (its policy with it). */
    private static void waitForStream(HttpClient http, String gatewayUrl, String stream) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!http.send(
                        HttpRequest.newBuilder(URI.create(gatewayUrl + "/api/status"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body()
                .contains("\"" + stream + "\"")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the gateway never listed stream " + stream);
            }
            Thread.sleep(100);
        }
    }

    private static Optional<String> allowOrigin(HttpClient http, String method, String url) throws Exception {
        return allowOrigin(http, method, url, ELSEWHERE);
    }

    private static Optional<String> allowOrigin(HttpClient http, String method, String url, String origin)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Origin", origin);
        if (method.equals("OPTIONS")) {
            request.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Access-Control-Request-Method", "GET")
                    .header("Access-Control-Request-Headers", "authorization");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                .headers()
                .firstValue("Access-Control-Allow-Origin");
    }
}
