package dev.lancast.cli;

import static dev.lancast.cli.Eventually.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancast.bridge.Bridge;
import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.gateway.Gateway;
import dev.lancast.rtc.config.HostPort;
import dev.lancast.rtc.config.TlsSettings;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.tls.ClientTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22 in-process, on loopback: the bridge's own kept certificate, a gateway that holds only
 * its token and checks the bridge by its proof (no fingerprint copied), an impostor that gets no
 * credential, keys and registrations refused over plain HTTP, paced forced rotations (N24) and
 * the double rotation after a revocation (N16).
 */
@Tag("loopback")
class SecureDefaultsTest {
    private static final String TOKEN = "gateway-token-secure-0123";
    private static final String OTHER = "gateway-token-other-0123";
    private static final String ADMIN = "admin-token-secure-0123";
    private final HttpClient anyCertificate =
            HttpClient.newBuilder().sslContext(ClientTls.unverified()).build();
    private final HttpClient plain = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    private BridgeConfig bridgeConfig(int base, Map<String, String> gateways) {
        // The default HTTPS (the certificate made once and kept in the state directory), on a free port.
        return LoopbackConfigs.bridge(
                base,
                TlsSettings.kept(
                        new HostPort("127.0.0.1", 0),
                        dir.resolve("state/bridge-cert.pem").toString(),
                        dir.resolve("state/bridge-key.pem").toString()),
                new BridgeConfig.KeySettings(0, gateways, List.of(ADMIN)),
                List.of(LoopbackConfigs.stream("main", LoopbackConfigs.randomGroup(), base + 4)),
                LoopbackConfigs.BRIDGE_NO_MDNS);
    }

    @Test
    void aGatewayWithOnlyItsTokenChecksTheBridgeByItsProofAndTheCertificateOutlivesARestart() throws Exception {
        int base = LoopbackConfigs.randomBase();
        String fingerprint;
        try (Bridge bridge = new Bridge(bridgeConfig(base, Map.of(LoopbackConfigs.LOOPBACK_GATEWAY, TOKEN)))) {
            String https = "https://127.0.0.1:" + bridge.httpsAddress().getPort();
            fingerprint = fingerprintAt(https);
            try (Gateway gateway =
                    new Gateway(LoopbackConfigs.gateway(base, https, TOKEN, null, LoopbackConfigs.GATEWAY_NO_MDNS))) {
                waitFor(
                        () -> gateway.relay("main") != null
                                && gateway.relay("main").hasCurrentKey(),
                        "the gateway, with only its token and the bridge's https URL, holds the current key");
                waitFor(
                        () -> bridge.gateways().stream()
                                .anyMatch(g ->
                                        g.authenticated() && g.info().name().equals(LoopbackConfigs.LOOPBACK_GATEWAY)),
                        "the gateway registered");
            }
        }
        try (Bridge again = new Bridge(bridgeConfig(base, Map.of(LoopbackConfigs.LOOPBACK_GATEWAY, TOKEN)))) {
            assertEquals(
                    fingerprint,
                    fingerprintAt("https://127.0.0.1:" + again.httpsAddress().getPort()),
                    "the bridge keeps its certificate in its state directory");
        }
    }

    @Test
    void anImpostorThatCannotProveTheTokenGetsNoRequestWithACredential() throws Exception {
        int base = LoopbackConfigs.randomBase();
        try (ImpostorBridge impostor = new ImpostorBridge();
                Gateway gateway = new Gateway(
                        LoopbackConfigs.gateway(base, impostor.url(), TOKEN, null, LoopbackConfigs.GATEWAY_NO_MDNS))) {
            waitFor(
                    () -> impostor.requests().size() >= 3,
                    "the gateway to ask the impostor for proofs, again and again");
            Thread.sleep(3000); // and then some: no credential must follow
            List<String> seen = impostor.requests();
            for (String request : seen) {
                assertTrue(
                        request.startsWith("GET /api/gateways/" + LoopbackConfigs.LOOPBACK_GATEWAY + "/proof?nonce="),
                        "only proof requests: " + request);
                assertFalse(request.toLowerCase(java.util.Locale.ROOT).contains("authorization"), request);
                assertFalse(request.contains(TOKEN), request);
            }
            assertEquals(
                    Set.of(seen.size()),
                    Set.of(seen.stream()
                            .map(r -> r.substring(0, r.indexOf(' ', 4)))
                            .collect(Collectors.toSet())
                            .size()),
                    "a fresh nonce each time");
            assertTrue(gateway.relay("main") == null, "and no catalog from it either");
        }
    }

    @Test
    void keysAndRegistrationsGoOverHttpsOnly() throws Exception {
        int base = LoopbackConfigs.randomBase();
        try (Bridge bridge = new Bridge(bridgeConfig(base, Map.of(LoopbackConfigs.LOOPBACK_GATEWAY, TOKEN)))) {
            String http = "http://127.0.0.1:" + bridge.httpAddress().getPort();
            String https = "https://127.0.0.1:" + bridge.httpsAddress().getPort();
            HttpResponse<String> keys = send(plain, http + "/api/keys", "GET", TOKEN, null);
            assertEquals(403, keys.statusCode());
            assertFalse(keys.body().contains("viewerTokenKey"), keys.body());
            assertTrue(
                    keys.body()
                            .contains(
                                    "https://127.0.0.1:" + bridge.httpsAddress().getPort()),
                    keys.body());
            assertEquals(
                    403,
                    send(plain, http + "/api/gateways/" + LoopbackConfigs.LOOPBACK_GATEWAY, "PUT", TOKEN, "{}")
                            .statusCode());
            assertEquals(
                    403,
                    send(plain, http + "/api/keys/rotate", "POST", ADMIN, "").statusCode());
            HttpResponse<String> secure = send(anyCertificate, https + "/api/keys", "GET", TOKEN, null);
            assertEquals(200, secure.statusCode());
            assertTrue(secure.body().contains("viewerTokenKey"), secure.body());
            // The catalog, the pages and WHIP stay on plain HTTP for browsers and players.
            assertEquals(
                    200, send(plain, http + "/api/streams", "GET", null, null).statusCode());
        }
    }

    /** N24: two forced rotations closer than gateways poll would make a key current that they do not hold. */
    @Test
    void aSecondForcedRotationWithinTwoSecondsGets429() throws Exception {
        int base = LoopbackConfigs.randomBase();
        try (Bridge bridge = new Bridge(bridgeConfig(base, Map.of(LoopbackConfigs.LOOPBACK_GATEWAY, TOKEN)))) {
            String https = "https://127.0.0.1:" + bridge.httpsAddress().getPort();
            assertEquals(
                    200,
                    send(anyCertificate, https + "/api/keys/rotate", "POST", ADMIN, "")
                            .statusCode());
            int after = bridge.stream("main").publisher().keys().current().id();
            HttpResponse<String> again = send(anyCertificate, https + "/api/keys/rotate", "POST", ADMIN, "");
            assertEquals(429, again.statusCode(), again.body());
            long retry =
                    Long.parseLong(again.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retry >= 1 && retry <= 2, "Retry-After " + retry);
            assertEquals(
                    after, bridge.stream("main").publisher().keys().current().id(), "not rotated again");
        }
    }

    /** N16: a revoked gateway held the current and next keys and the viewer-token secret. */
    @Test
    void aReloadThatRemovesAGatewayTokenRetiresEverythingItHeld() throws Exception {
        int base = LoopbackConfigs.randomBase();
        BridgeConfig both = bridgeConfig(base, Map.of(LoopbackConfigs.LOOPBACK_GATEWAY, TOKEN, "gw-other", OTHER));
        try (Bridge bridge = new Bridge(both)) {
            String https = "https://127.0.0.1:" + bridge.httpsAddress().getPort();
            JsonNode before = json.readTree(send(anyCertificate, https + "/api/keys", "GET", TOKEN, null)
                    .body());
            // By material: one-byte ids come back once released.
            Set<String> held = bridge.stream("main").publisher().keys().published().stream()
                    .map(GroupKey::toHex)
                    .collect(Collectors.toSet());
            bridge.apply(new BridgeConfig(
                    both.http(),
                    both.media(),
                    both.feedback(),
                    both.multicast(),
                    new BridgeConfig.KeySettings(0, Map.of("gw-other", OTHER), List.of(ADMIN)),
                    both.streams(),
                    both.logging(),
                    both.limits(),
                    both.discovery(),
                    both.admin(),
                    both.relays(),
                    both.stateDirectory()));
            waitFor(
                    () -> bridge.stream("main").publisher().keys().published().stream()
                                            .filter(k -> held.contains(k.toHex()))
                                            .count()
                                    == 1
                            && !held.contains(bridge.stream("main")
                                    .publisher()
                                    .keys()
                                    .current()
                                    .toHex()),
                    "neither the current nor the next key is one the revoked gateway held (only the previous)");
            JsonNode after = json.readTree(send(anyCertificate, https + "/api/keys", "GET", OTHER, null)
                    .body());
            assertNotEquals(
                    before.get("viewerTokenKey").asText(),
                    after.get("viewerTokenKey").asText(),
                    "a new viewer-token secret");
            assertEquals(
                    401,
                    send(anyCertificate, https + "/api/keys", "GET", TOKEN, null)
                            .statusCode());
        }
    }

    private String fingerprintAt(String url) throws Exception {
        HttpResponse<String> r = send(anyCertificate, url + "/healthz", "GET", null, null);
        return ClientTls.fingerprint(
                (X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0]);
    }

    private static HttpResponse<String> send(HttpClient client, String url, String method, String token, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
