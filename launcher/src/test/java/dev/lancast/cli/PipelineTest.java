package dev.lancast.cli;

import static dev.lancast.cli.Eventually.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.bridge.Bridge;
import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.gateway.Gateway;
import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.gateway.relay.StreamRelay;
import dev.lancast.rtc.multicast.GroupKeyring;
import dev.lancast.rtc.protocol.DropReason;
import dev.lancast.sender.whip.WhipSender;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Our own sender through a real bridge, loopback multicast and a real gateway, all in-process:
 * the media reaches the gateway authenticated, and the bridge's HTTP API answers bad requests
 * with the documented statuses.
 */
@Tag("loopback")
class PipelineTest {
    private static final String GATEWAY_TOKEN = "gateway-token-0123456789";

    @Test
    void senderMediaCrossesTheMulticastHopToTheGateway() throws Exception {
        int base = 20000 + 8 * ThreadLocalRandom.current().nextInt(4000);
        String group = "239.255." + ThreadLocalRandom.current().nextInt(1, 255) + "."
                + ThreadLocalRandom.current().nextInt(1, 255);
        BridgeConfig bridgeConfig = LoopbackConfigs.bridge(
                base,
                LoopbackConfigs.keys(GATEWAY_TOKEN, List.of("admin-token-0123456789")),
                List.of(LoopbackConfigs.stream("main", group, base + 4)),
                LoopbackConfigs.BRIDGE_NO_MDNS);
        try (Bridge bridge = new Bridge(bridgeConfig)) {
            String bridgeUrl = "http://127.0.0.1:" + bridge.httpAddress().getPort();
            GatewayConfig gatewayConfig =
                    LoopbackConfigs.gateway(base, bridgeUrl, GATEWAY_TOKEN, LoopbackConfigs.GATEWAY_NO_MDNS);
            try (Gateway gateway = new Gateway(gatewayConfig);
                    WhipSender sender =
                            new WhipSender(URI.create(bridgeUrl + "/whip/main"), LoopbackConfigs.WHIP_TOKEN)) {
                sender.start(Duration.ofSeconds(30));
                waitFor(
                        () -> gateway.relay("main") != null
                                && gateway.relay("main").received() > 100
                                && gateway.relay("main").entry().live(),
                        "gateway received 100 authenticated multicast packets of the live stream");
                StreamRelay relay = gateway.relay("main");
                assertEquals("VP8", relay.entry().track("video").codec());
                assertEquals("opus", relay.entry().track("audio").codec());
                assertEquals(0, relay.dropped(), "no packet failed authentication");

                HttpClient http = HttpClient.newHttpClient();
                assertEquals(
                        401,
                        post(http, bridgeUrl + "/whip/main", "application/sdp", "wrong", "v=0")
                                .statusCode());
                assertEquals(
                        404,
                        post(http, bridgeUrl + "/whip/nope", "application/sdp", LoopbackConfigs.WHIP_TOKEN, "v=0")
                                .statusCode());
                assertEquals(
                        415,
                        post(http, bridgeUrl + "/whip/main", "text/plain", LoopbackConfigs.WHIP_TOKEN, "v=0")
                                .statusCode());
                HttpResponse<String> bad = post(
                        http,
                        bridgeUrl + "/whip/main",
                        "application/sdp",
                        LoopbackConfigs.WHIP_TOKEN,
                        "v=0\r\nfoo\r\n");
                assertEquals(400, bad.statusCode());
                assertTrue(bad.body().startsWith("malformed SDP offer: "), bad.body());

                long before = relay.received();
                waitFor(() -> relay.received() > before + 50, "media keeps flowing after the bad requests");

                String gatewayUrl = "http://127.0.0.1:" + gateway.httpAddress().getPort();
                String forwarded = "lancast_bridge_packets_forwarded_total{stream=\"main\"}";
                String received = "lancast_gateway_multicast_packets_total{stream=\"main\"}";
                assertTrue(
                        http.send(
                                        HttpRequest.newBuilder(URI.create(bridgeUrl + "/metrics"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .headers()
                                .firstValue("Content-Type")
                                .orElse("")
                                .startsWith("text/plain; version=0.0.4"),
                        "Prometheus text format");
                Map<String, Double> bridge1 = PrometheusText.parse(get(http, bridgeUrl + "/metrics"));
                Map<String, Double> gateway1 = PrometheusText.parse(get(http, gatewayUrl + "/metrics"));
                Thread.sleep(1500);
                Map<String, Double> bridge2 = PrometheusText.parse(get(http, bridgeUrl + "/metrics"));
                Map<String, Double> gateway2 = PrometheusText.parse(get(http, gatewayUrl + "/metrics"));
                assertTrue(bridge2.get(forwarded) > bridge1.get(forwarded), "bridge counter moves");
                assertTrue(gateway2.get(received) > gateway1.get(received), "gateway counter moves");
                assertEquals(1.0, bridge2.get("lancast_bridge_stream_live{stream=\"main\"}"));
                assertTrue(bridge2.get("lancast_bridge_receive_bitrate_bps{stream=\"main\"}") > 50_000);
                assertTrue(bridge2.containsKey("jvm_memory_used_bytes{area=\"heap\"}"), "JVM metrics are there");
                for (String reason : List.of("not_lancast", "unknown_key", "auth_failed", "replayed", "malformed")) {
                    assertEquals(
                            0.0,
                            gateway2.get("lancast_multicast_packets_dropped_total{reason=\"" + reason + "\"}"),
                            reason);
                }

                // A forced rotation: the stream goes on under the next key, which gateways already hold.
                GroupKeyring streamKeys = bridge.stream("main").publisher().keys();
                int before1 = streamKeys.current().id();
                int feedbackBefore = bridge.feedbackKeys().current().id();
                assertEquals(
                        401,
                        http.send(
                                        HttpRequest.newBuilder(URI.create(bridgeUrl + "/api/keys/rotate"))
                                                .POST(HttpRequest.BodyPublishers.noBody())
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode());
                assertEquals(
                        200,
                        http.send(
                                        HttpRequest.newBuilder(URI.create(bridgeUrl + "/api/keys/rotate"))
                                                .header("Authorization", "Bearer admin-token-0123456789")
                                                .POST(HttpRequest.BodyPublishers.noBody())
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode());
                assertTrue(streamKeys.current().id() != before1);
                assertTrue(bridge.feedbackKeys().current().id() != feedbackBefore);
                long afterRotation = relay.received();
                waitFor(
                        () -> relay.received() > afterRotation + 100
                                && relay.entry().keyId() == streamKeys.current().id(),
                        "media under the new key");
                assertEquals(0, relay.dropped(), "no packet lost to the rotation");

                // Every gateway sends the bridge a receiver summary of the group every 5 s.
                waitFor(
                        () -> {
                            try {
                                return get(http, bridgeUrl + "/api/status").contains("\"gatewayReports\":[{");
                            } catch (IOException | InterruptedException e) {
                                return false;
                            }
                        },
                        "a gateway receiver report at the bridge");
            }
        }
    }

    @Test
    void aGatewayWithoutValidCredentialsGetsNoKeyAndServesNothing() throws Exception {
        int base = 20000 + 8 * ThreadLocalRandom.current().nextInt(4000);
        String group = "239.255." + ThreadLocalRandom.current().nextInt(1, 255) + "."
                + ThreadLocalRandom.current().nextInt(1, 255);
        BridgeConfig bridgeConfig = LoopbackConfigs.bridge(
                base,
                LoopbackConfigs.keys(GATEWAY_TOKEN),
                List.of(LoopbackConfigs.stream("main", group, base + 4)),
                LoopbackConfigs.BRIDGE_NO_MDNS);
        try (Bridge bridge = new Bridge(bridgeConfig)) {
            String bridgeUrl = "http://127.0.0.1:" + bridge.httpAddress().getPort();
            HttpClient http = HttpClient.newHttpClient();
            assertEquals(
                    401,
                    http.send(
                                    HttpRequest.newBuilder(URI.create(bridgeUrl + "/api/keys"))
                                            .header("Authorization", "Bearer not-the-gateway-token")
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode());
            GatewayConfig gatewayConfig =
                    LoopbackConfigs.gateway(base, bridgeUrl, "not-the-gateway-token", LoopbackConfigs.GATEWAY_NO_MDNS);
            try (Gateway gateway = new Gateway(gatewayConfig);
                    WhipSender sender =
                            new WhipSender(URI.create(bridgeUrl + "/whip/main"), LoopbackConfigs.WHIP_TOKEN)) {
                sender.start(Duration.ofSeconds(30));
                waitFor(
                        () -> gateway.relay("main") != null
                                && gateway.relay("main").entry().live()
                                && gateway.relay("main").dropped() > 50,
                        "the keyless gateway dropping the group's packets");
                StreamRelay relay = gateway.relay("main");
                assertEquals(0, relay.received(), "nothing decrypted without the key");
                assertTrue(relay.dropped(DropReason.UNKNOWN_KEY) > 50);
                String gatewayUrl = "http://127.0.0.1:" + gateway.httpAddress().getPort();
                HttpResponse<String> whep = post(
                        http,
                        gatewayUrl + "/whep/main",
                        "application/sdp",
                        "x",
                        new String(PipelineTest.class
                                .getResourceAsStream("/chrome-whep-offer.sdp")
                                .readAllBytes()));
                assertEquals(503, whep.statusCode());
                assertTrue(whep.body().contains("no group key"), whep.body());
            }
        }
    }

    private static String get(HttpClient http, String url) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    private static HttpResponse<String> post(HttpClient http, String url, String type, String token, String body)
            throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", type)
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
