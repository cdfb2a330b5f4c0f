package dev.lancast.cli;

import static dev.lancast.cli.Eventually.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancast.bridge.Bridge;
import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.gateway.Gateway;
import dev.lancast.gateway.config.GatewayConfig;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Bridge and gateway in-process, with mDNS on the loopback interface only: a gateway without a
 * bridge URL finds the bridge, registers, and the bridge's portal sends loopback viewers to it.
 */
class DiscoveryTest {
    private static final String GATEWAY_TOKEN = "gateway-token-0123456789";
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aGatewayWithoutBridgeUrlFindsTheBridgeAndThePortalSendsViewersToIt() throws Exception {
        int base = 20000 + 8 * ThreadLocalRandom.current().nextInt(4000);
        // Unique names: other lancast processes on this host may advertise on lo too.
        String bridgeName = "test-bridge-" + base;
        String gatewayName = "test-gw-" + base;
        BridgeConfig bridgeConfig = LoopbackConfigs.bridge(base,
                new BridgeConfig.KeySettings(0, List.of(GATEWAY_TOKEN), List.of()),
                List.of(LoopbackConfigs.stream("main", "239.255.9.1", base + 4)),
                new BridgeConfig.DiscoverySettings(bridgeName, "lo", true));
        try (Bridge bridge = new Bridge(bridgeConfig)) {
            String bridgeUrl = "http://127.0.0.1:" + bridge.httpAddress().getPort();
            JsonNode bridgeStatus = status(bridgeUrl);
            assertEquals("127.0.0.1", bridgeStatus.at("/discovery/mdnsAddress").asText(), "mDNS bound to lo only");

            HttpResponse<String> none = send(bridgeUrl + "/watch/main", null);
            assertEquals(503, none.statusCode(), "no gateway yet");
            assertEquals("10", none.headers().firstValue("Retry-After").orElse(""));
            assertTrue(none.body().contains("<meta http-equiv=\"refresh\" content=\"10; url=/watch/main\">"),
                    none.body());
            assertEquals(404, send(bridgeUrl + "/watch/nope", null).statusCode());

            GatewayConfig gatewayConfig = LoopbackConfigs.gateway(base, null, GATEWAY_TOKEN,
                    new GatewayConfig.DiscoverySettings(gatewayName, "lo", true, bridgeName, null, null, 40, null));
            String gatewayUrl;
            try (Gateway gateway = new Gateway(gatewayConfig)) {
                gatewayUrl = "http://127.0.0.1:" + gateway.httpAddress().getPort() + "/";
                JsonNode gatewayStatus = status(gatewayUrl);
                assertEquals("127.0.0.1", gatewayStatus.at("/discovery/mdnsAddress").asText());
                waitFor(() -> bridgeUrl.equals(status(gatewayUrl).at("/bridge/url").asText()),
                        "the gateway finds the bridge on mDNS");
                assertEquals(bridgeName, status(gatewayUrl).at("/bridge/name").asText());
                assertEquals("mdns", status(gatewayUrl).at("/bridge/foundBy").asText());

                waitFor(() -> gatewayEntry(bridgeUrl, gatewayName) != null
                        && gatewayEntry(bridgeUrl, gatewayName).get("streams").toString().contains("main"),
                        "the bridge lists the gateway, serving main");
                JsonNode entry = gatewayEntry(bridgeUrl, gatewayName);
                assertEquals("127.0.0.0/8", entry.get("subnet").asText());
                assertEquals(gatewayUrl, entry.get("url").asText());
                assertEquals(0, entry.get("viewers").asInt());
                assertEquals(40, entry.get("capacity").asInt());
                assertTrue(List.of("mdns", "registration").contains(entry.get("foundBy").asText()));
                assertTrue(entry.hasNonNull("lastSeen"));

                HttpResponse<String> redirect = send(bridgeUrl + "/watch/main?token=abc", null);
                assertEquals(302, redirect.statusCode());
                String location = URLDecoder.decode(redirect.headers().firstValue("Location").orElseThrow(),
                        StandardCharsets.UTF_8);
                assertEquals(gatewayUrl + "?stream=main&portal=" + bridgeUrl + "&token=abc", location);
                assertEquals(302, send(bridgeUrl + "/", null).statusCode(), "/ is the portal of the first stream");
                String origin = gatewayUrl.substring(0, gatewayUrl.length() - 1);
                assertEquals(503, send(bridgeUrl + "/watch/main?avoid=" + origin, null).statusCode(),
                        "the page that could not reach its gateway is not sent back to it");

                // Heartbeats need a gateway token and a well-formed body.
                String heartbeat = bridgeUrl + "/api/gateways/" + gatewayName;
                assertEquals(401, send(heartbeat, "{}", "wrong-token-0123456789").statusCode());
                HttpResponse<String> bad = send(heartbeat, "{\"name\":\"" + gatewayName + "\",\"subnet\":\"10.0.0.1/8\","
                        + "\"url\":\"http://x/\",\"viewers\":0,\"capacity\":1}", GATEWAY_TOKEN);
                assertEquals(400, bad.statusCode());
                assertTrue(bad.body().contains("'10.0.0.1/8' has host bits set; did you mean 10.0.0.0/8?"), bad.body());
                HttpResponse<String> other = send(bridgeUrl + "/api/gateways/other", "{\"name\":\"" + gatewayName
                        + "\",\"subnet\":\"10.0.0.0/8\",\"url\":\"http://x/\",\"viewers\":0,\"capacity\":1}", GATEWAY_TOKEN);
                assertEquals(400, other.statusCode());
                assertTrue(other.body().contains("sent to /api/gateways/other"), other.body());
            }
            // The gateway's goodbye takes it out at once; expiry would within 7 s.
            waitFor(() -> gatewayEntry(bridgeUrl, gatewayName) == null, "the stopped gateway leaves the registry");
            assertEquals(503, send(bridgeUrl + "/watch/main", null).statusCode());
        }
    }

    private JsonNode status(String baseUrl) {
        try {
            String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
            HttpResponse<String> r = send(base + "/api/status", null);
            assertEquals(200, r.statusCode());
            return json.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private JsonNode gatewayEntry(String bridgeUrl, String name) {
        for (JsonNode g : status(bridgeUrl).get("gateways")) {
            if (g.get("name").asText().equals(name)) {
                return g;
            }
        }
        return null;
    }

    private HttpResponse<String> send(String url, String putBody) throws Exception {
        return send(url, putBody, null);
    }

    private HttpResponse<String> send(String url, String putBody, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (putBody != null) {
            b.header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(putBody));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

}
