package dev.lancast.cli;

import static dev.lancast.cli.Eventually.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.bridge.Bridge;
import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.bridge.config.StreamConfig;
import dev.lancast.bridge.config.TrackGroup;
import dev.lancast.gateway.Gateway;
import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.gateway.trust.BridgeTrust;
import dev.lancast.rtc.config.HostPort;
import dev.lancast.rtc.config.HttpSettings;
import dev.lancast.rtc.config.MediaSettings;
import dev.lancast.rtc.config.TlsSettings;
import dev.lancast.rtc.tls.ClientTls;
import dev.lancast.rtc.tls.TestPki;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gateways fetch the group keys over HTTPS with a client certificate from the admin's CA instead
 * of a token; the bridge refuses gateways without one or with one of another CA, and a gateway
 * refuses a bridge whose certificate it cannot trust.
 */
@Tag("loopback")
class GatewayTlsTest {
    private static final HostPort ANY = new HostPort("127.0.0.1", 0);

    @TempDir
    Path dir;

    @Test
    void aGatewayWithACertificateFromTheClientCaGetsTheKeysAndOthersDoNot() throws Exception {
        TestPki site = TestPki.ca("site");
        TestPki gateways = TestPki.ca("gateways");
        String siteCa = site.writeCa(dir).toString();
        TestPki.Issued server = site.issueServer(dir, "bridge");
        TestPki.Issued gatewayCert = gateways.issueClient(dir, "gateway-1");
        TestPki.Issued rogueCert = TestPki.ca("rogue").issueClient(dir, "gateway-x");
        int base = 20000 + 8 * ThreadLocalRandom.current().nextInt(4000);
        String group = "239.255." + ThreadLocalRandom.current().nextInt(1, 255) + "."
                + ThreadLocalRandom.current().nextInt(1, 255);
        BridgeConfig bridgeConfig = new BridgeConfig(
                new HttpSettings(
                        ANY,
                        0,
                        0,
                        new TlsSettings(
                                ANY,
                                server.certificate().toString(),
                                server.privateKey().toString(),
                                false,
                                null,
                                gateways.writeCa(dir).toString(),
                                false),
                        HttpSettings.Plain.OFF),
                new MediaSettings(new HostPort("127.0.0.1", base), null, 0),
                new HostPort("127.0.0.1", base + 2),
                new BridgeConfig.MulticastSettings("lo", 1),
                new BridgeConfig.KeySettings(0, null, null, BridgeConfig.GatewayAuth.CERTIFICATE),
                List.of(StreamConfig.of(
                        "main",
                        List.of(LoopbackConfigs.WHIP_TOKEN),
                        0,
                        new TrackGroup(group, base + 4, null),
                        new TrackGroup(group, base + 6, null))),
                null,
                null,
                new BridgeConfig.DiscoverySettings(null, null, false));
        try (Bridge bridge = new Bridge(bridgeConfig)) {
            String bridgeUrl = "https://127.0.0.1:" + bridge.httpsAddress().getPort();
            String keys = bridgeUrl + "/api/keys";
            GatewayConfig gatewayConfig = gatewayConfig(
                    base,
                    bridgeUrl,
                    new GatewayConfig.BridgeTls(
                            siteCa,
                            null,
                            gatewayCert.certificate().toString(),
                            gatewayCert.privateKey().toString()));

            HttpResponse<String> granted = viaTrust(gatewayConfig, bridgeUrl, keys);
            assertEquals(200, granted.statusCode());
            assertTrue(granted.body().contains("\"current\""), granted.body());

            HttpResponse<String> noCertificate = get(
                    HttpClient.newBuilder()
                            .sslContext(ClientTls.context(siteCa, null, null, null))
                            .build(),
                    keys);
            assertEquals(401, noCertificate.statusCode());
            assertTrue(noCertificate.body().contains("client certificate"), noCertificate.body());

            HttpClient rogue = HttpClient.newBuilder()
                    .sslContext(TestPki.alwaysPresenting(rogueCert, siteCa))
                    .build();
            assertThrows(IOException.class, () -> get(rogue, keys), "another CA's certificate fails the handshake");

            GatewayConfig trustingAnotherCa = gatewayConfig(
                    base,
                    bridgeUrl,
                    new GatewayConfig.BridgeTls(
                            TestPki.ca("elsewhere").writeCa(dir).toString(),
                            null,
                            gatewayCert.certificate().toString(),
                            gatewayCert.privateKey().toString()));
            assertThrows(SSLHandshakeException.class, () -> viaTrust(trustingAnotherCa, bridgeUrl, keys));

            try (Gateway gateway = new Gateway(gatewayConfig)) {
                waitFor(
                        () -> gateway.relay("main") != null
                                && gateway.relay("main").hasCurrentKey(),
                        "the gateway, with only its certificate, holds the bridge's current key");
                assertEquals(
                        bridge.stream("main").publisher().keys().current().id(),
                        gateway.relay("main").entry().keyId());
                // N9: a certificate stands for the gateway its CN names, which may register as that name.
                waitFor(
                        () -> bridge.gateways().stream()
                                .anyMatch(g -> g.info().name().equals("gateway-1") && g.authenticated()),
                        "the gateway registers under its certificate's CN");
            }
        }
    }

    private static GatewayConfig gatewayConfig(int base, String bridgeUrl, GatewayConfig.BridgeTls tls) {
        return new GatewayConfig(
                new HttpSettings(ANY, 0, 0),
                new MediaSettings(new HostPort("127.0.0.1", base + 1), null, 0),
                bridgeUrl,
                null,
                new GatewayConfig.MulticastSettings("lo"),
                null,
                tls,
                null,
                new GatewayConfig.DiscoverySettings("gateway-1", null, false, null, null, null, 0, null));
    }

    /** A GET through the gateway's own way to its bridge, with its credentials. */
    private static HttpResponse<String> viaTrust(GatewayConfig config, String bridgeUrl, String url) throws Exception {
        return new BridgeTrust(config, "gateway-1", new java.security.SecureRandom(), System::nanoTime)
                .send(
                        bridgeUrl,
                        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)),
                        HttpResponse.BodyHandlers.ofString(),
                        true);
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws IOException, InterruptedException {
        return client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
