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
import dev.lancast.rtc.config.HostPort;
import dev.lancast.rtc.config.TlsSettings;
import dev.lancast.rtc.tls.TestPki;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bridge and gateway in-process, with mDNS on the loopback interface only: a gateway without a
 * bridge URL finds the bridge (HTTPS, verified by the gateway's bridgeTls.ca), registers, and the
 * bridge's portal sends loopback viewers to it; a discovered bridge that bridgeTls cannot verify
 * (plain HTTP, or another certificate) never gets the gateway's token.
 */
@Tag("loopback")
class DiscoveryTest {
    private static final String GATEWAY_TOKEN = "gateway-token-0123456789";
    private static final HostPort ANY = new HostPort("127.0.0.1", 0);
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private String siteCa;

    private TlsSettings bridgeTls(TestPki ca) throws Exception {
        TestPki.Issued server =
                ca.issueServer(dir, "bridge-" + ThreadLocalRandom.current().nextInt(1 << 20));
        return new TlsSettings(
                ANY, server.certificate().toString(), server.privateKey().toString(), false, null, null, false);
    }

    @Test
    void aGatewayWithoutBridgeUrlFindsTheBridgeAndThePortalSendsViewersToIt() throws Exception {
        int base = 20000 + 8 * ThreadLocalRandom.current().nextInt(4000);
        // Unique names: other lancast processes on this host may advertise on lo too.
        String bridgeName = "test-bridge-" + base;
        String gatewayName = "test-gw-" + base;
        TestPki site = TestPki.ca("site");
        BridgeConfig bridgeConfig = LoopbackConfigs.bridge(
                base,
                bridgeTls(site),
                new BridgeConfig.KeySettings(0, java.util.Map.of(gatewayName, GATEWAY_TOKEN), List.of()),
                List.of(LoopbackConfigs.stream("main", "239.255.9.1", base + 4)),
                new BridgeConfig.DiscoverySettings(bridgeName, "lo", true));
        try (Bridge bridge = new Bridge(bridgeConfig)) {
            String bridgeUrl = "http://127.0.0.1:" + bridge.httpAddress().getPort();
            String bridgeHttpsUrl = "https://127.0.0.1:" + bridge.httpsAddress().getPort();
            JsonNode bridgeStatus = status(bridgeUrl);
            assertEquals("127.0.0.1", bridgeStatus.at("/discovery/mdnsAddress").asText(), "mDNS bound to lo only");

            HttpResponse<String> none = send(bridgeUrl + "/watch/main", null);
            assertEquals(503, none.statusCode(), "no gateway yet");
            assertEquals("10", none.headers().firstValue("Retry-After").orElse(""));
            assertTrue(
                    none.body().contains("<meta http-equiv=\"refresh\" content=\"10; url=/watch/main\">"), none.body());
            assertEquals(404, send(bridgeUrl + "/watch/nope", null).statusCode());

            siteCa = site.writeCa(dir).toString();
            GatewayConfig gatewayConfig = LoopbackConfigs.gateway(
                    base,
                    null,
                    GATEWAY_TOKEN,
                    new GatewayConfig.BridgeTls(siteCa, null, null, null),
                    new GatewayConfig.DiscoverySettings(gatewayName, "lo", true, bridgeName, null, null, 40, null));
            String gatewayUrl;
            try (Gateway gateway = new Gateway(gatewayConfig)) {
                gatewayUrl = "http://127.0.0.1:" + gateway.httpAddress().getPort() + "/";
                JsonNode gatewayStatus = status(gatewayUrl);
                assertEquals(
                        "127.0.0.1", gatewayStatus.at("/discovery/mdnsAddress").asText());
                waitFor(
                        () -> bridgeHttpsUrl.equals(
                                status(gatewayUrl).at("/bridge/url").asText()),
                        "the gateway finds the bridge on mDNS, at its HTTPS URL");
                assertEquals(bridgeName, status(gatewayUrl).at("/bridge/name").asText());
                assertEquals("mdns", status(gatewayUrl).at("/bridge/foundBy").asText());
                assertEquals("ca", status(gatewayUrl).at("/bridge/verifiedBy").asText());

                waitFor(
                        () -> gatewayEntry(bridgeUrl, gatewayName) != null
                                && gatewayEntry(bridgeUrl, gatewayName)
                                        .get("streams")
                                        .toString()
                                        .contains("main"),
                        "the bridge lists the gateway, serving main");
                JsonNode entry = gatewayEntry(bridgeUrl, gatewayName);
                assertEquals("127.0.0.0/8", entry.get("subnet").asText());
                assertEquals(gatewayUrl, entry.get("url").asText());
                assertEquals(0, entry.get("viewers").asInt());
                assertEquals(40, entry.get("capacity").asInt());
                assertTrue(List.of("mdns", "registration")
                        .contains(entry.get("foundBy").asText()));
                assertTrue(entry.hasNonNull("lastSeen"));

                HttpResponse<String> redirect = send(bridgeUrl + "/watch/main?token=abc", null);
                assertEquals(302, redirect.statusCode());
                String location = URLDecoder.decode(
                        redirect.headers().firstValue("Location").orElseThrow(), StandardCharsets.UTF_8);
                // The viewer token rides in the fragment: never in the gateway's logs or a Referer (N14).
                assertEquals(gatewayUrl + "?stream=main&portal=" + bridgeUrl + "#token=abc", location);
                assertEquals(302, send(bridgeUrl + "/", null).statusCode(), "/ is the portal of the first stream");
                String origin = gatewayUrl.substring(0, gatewayUrl.length() - 1);
                assertEquals(
                        503,
                        send(bridgeUrl + "/watch/main?avoid=" + origin, null).statusCode(),
                        "the page that could not reach its gateway is not sent back to it");

                // Heartbeats go over HTTPS, with that gateway's own token, and a well-formed body.
                String heartbeat = bridgeHttpsUrl + "/api/gateways/" + gatewayName;
                HttpResponse<String> plainBeat = send(bridgeUrl + "/api/gateways/" + gatewayName, "{}", GATEWAY_TOKEN);
                assertEquals(403, plainBeat.statusCode(), "never over plain HTTP");
                assertEquals(
                        401, sendTls(heartbeat, "{}", "wrong-token-0123456789").statusCode());
                HttpResponse<String> bad = sendTls(
                        heartbeat,
                        "{\"name\":\"" + gatewayName + "\",\"subnet\":\"10.0.0.1/8\","
                                + "\"url\":\"http://x/\",\"viewers\":0,\"capacity\":1}",
                        GATEWAY_TOKEN);
                assertEquals(400, bad.statusCode());
                assertTrue(bad.body().contains("'10.0.0.1/8' has host bits set; did you mean 10.0.0.0/8?"), bad.body());
                HttpResponse<String> other = sendTls(
                        bridgeHttpsUrl + "/api/gateways/other",
                        "{\"name\":\"other\","
                                + "\"subnet\":\"10.0.0.0/8\",\"url\":\"http://10.0.0.1/\",\"viewers\":0,\"capacity\":1}",
                        GATEWAY_TOKEN);
                assertEquals(403, other.statusCode(), "a token registers its own gateway only");
                assertTrue(other.body().contains("belongs to gateway '" + gatewayName + "'"), other.body());
            }
            // The gateway's goodbye takes it out at once; expiry would within 7 s.
            waitFor(() -> gatewayEntry(bridgeUrl, gatewayName) == null, "the stopped gateway leaves the registry");
            assertEquals(503, send(bridgeUrl + "/watch/main", null).statusCode());
        }
    }

    @Test
    void aDiscoveredBridgeThatBridgeTlsCannotVerifyNeverGetsTheTokenAndTheGatewayKeepsLooking() throws Exception {
        int base = 20000 + 8 * ThreadLocalRandom.current().nextInt(4000);
        String gatewayName = "test-gw-" + base;
        // Names sort before the verified bridge's, so the gateway meets them first.
        String plainName = "test-a-plain-" + base;
        String otherCaName = "test-b-other-ca-" + base;
        String siteRogueName = "test-b2-site-rogue-" + base;
        String goodName = "test-c-good-" + base;
        TestPki site = TestPki.ca("site");
        BridgeConfig.KeySettings keys =
                new BridgeConfig.KeySettings(0, java.util.Map.of(gatewayName, GATEWAY_TOKEN), List.of());
        try (Bridge plain = new Bridge(LoopbackConfigs.bridge(
                        base,
                        keys,
                        List.of(LoopbackConfigs.stream("main", "239.255.9.2", base + 4)),
                        new BridgeConfig.DiscoverySettings(plainName, "lo", true)));
                Bridge otherCa = new Bridge(LoopbackConfigs.bridge(
                        base + 8,
                        bridgeTls(TestPki.ca("rogue")),
                        keys,
                        List.of(LoopbackConfigs.stream("main", "239.255.9.3", base + 12)),
                        new BridgeConfig.DiscoverySettings(otherCaName, "lo", true)));
                // N25: a host with a certificate of the site CA, which does not hold this gateway's token.
                Bridge siteRogue = new Bridge(LoopbackConfigs.bridge(
                        base + 32,
                        bridgeTls(site),
                        new BridgeConfig.KeySettings(
                                0, java.util.Map.of(gatewayName, "not-the-gateway-token-0123"), List.of()),
                        List.of(LoopbackConfigs.stream("main", "239.255.9.5", base + 36)),
                        new BridgeConfig.DiscoverySettings(siteRogueName, "lo", true)))) {
            String plainUrl = "http://127.0.0.1:" + plain.httpAddress().getPort();
            String otherCaUrl = "http://127.0.0.1:" + otherCa.httpAddress().getPort();
            GatewayConfig gatewayConfig = LoopbackConfigs.gateway(
                    base + 16,
                    null,
                    GATEWAY_TOKEN,
                    new GatewayConfig.BridgeTls(site.writeCa(dir).toString(), null, null, null),
                    new GatewayConfig.DiscoverySettings(gatewayName, "lo", true, null, null, null, 0, null));
            try (Gateway gateway = new Gateway(gatewayConfig)) {
                String gatewayUrl = "http://127.0.0.1:" + gateway.httpAddress().getPort();
                waitFor(
                        () -> status(gatewayUrl).at("/bridge/refused").has(plainName)
                                && status(gatewayUrl).at("/bridge/refused").has(otherCaName)
                                && status(gatewayUrl).at("/bridge/refused").has(siteRogueName),
                        "the gateway refuses the plain-HTTP bridge, the one of another CA, and the site CA's rogue");
                JsonNode bridgeStatus = status(gatewayUrl).get("bridge");
                assertTrue(bridgeStatus.get("url").isNull(), bridgeStatus.toString());
                assertEquals("mdns", bridgeStatus.get("foundBy").asText());
                assertTrue(
                        bridgeStatus.get("reason").asText().contains("no discovered bridge can be trusted"),
                        bridgeStatus.toString());
                String plainWhy = bridgeStatus.at("/refused/" + plainName).asText();
                assertTrue(plainWhy.startsWith(plainUrl + ": it is plain HTTP"), plainWhy);
                assertTrue(plainWhy.contains("Give the bridge HTTPS"), plainWhy);
                String otherCaWhy = bridgeStatus.at("/refused/" + otherCaName).asText();
                assertTrue(otherCaWhy.contains("does not match bridgeTls.ca"), otherCaWhy);
                String siteRogueWhy =
                        bridgeStatus.at("/refused/" + siteRogueName).asText();
                assertTrue(siteRogueWhy.contains("could not prove that it holds this gateway's token"), siteRogueWhy);
                assertTrue(siteRogue.gateways().stream().noneMatch(g -> g.authenticated()), "no heartbeat reached it");

                // A verified bridge appears: the gateway takes it, and registers there only.
                try (Bridge good = new Bridge(LoopbackConfigs.bridge(
                        base + 24,
                        bridgeTls(site),
                        keys,
                        List.of(LoopbackConfigs.stream("main", "239.255.9.4", base + 28)),
                        new BridgeConfig.DiscoverySettings(goodName, "lo", true)))) {
                    String goodUrl = "http://127.0.0.1:" + good.httpAddress().getPort();
                    String goodHttpsUrl =
                            "https://127.0.0.1:" + good.httpsAddress().getPort();
                    waitFor(
                            () -> goodHttpsUrl.equals(
                                    status(gatewayUrl).at("/bridge/url").asText()),
                            "the gateway keeps looking and takes the verified bridge");
                    waitFor(
                            () -> gatewayEntry(goodUrl, gatewayName) != null
                                    && gatewayEntry(goodUrl, gatewayName)
                                            .get("authenticated")
                                            .asBoolean(),
                            "the gateway registers with the verified bridge");
                }
                // Neither unverified bridge ever had a heartbeat (so never the token), only mDNS.
                for (String url : List.of(plainUrl, otherCaUrl)) {
                    JsonNode entry = gatewayEntry(url, gatewayName);
                    assertTrue(entry == null || !entry.get("authenticated").asBoolean(), url + ": " + entry);
                }
            }
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

    /** A PUT over HTTPS trusting the site CA (as the gateway does). */
    private HttpResponse<String> sendTls(String url, String putBody, String token) throws Exception {
        HttpClient tls = HttpClient.newBuilder()
                .sslContext(dev.lancast.rtc.tls.ClientTls.context(siteCa, null, null, null))
                .build();
        return tls.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(putBody))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
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
