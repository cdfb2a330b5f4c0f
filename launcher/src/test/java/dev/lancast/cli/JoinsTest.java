package dev.lancast.cli;

import static dev.lancast.cli.Eventually.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lancast.bridge.Bridge;
import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.gateway.Gateway;
import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.rtc.config.LimitSettings;
import dev.lancast.rtc.config.MediaSettings;
import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.ice.IceCredentials;
import dev.lancast.sender.whip.WhipSender;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Joins while other sessions never complete: offers whose peers POST and vanish (a closed tab, a
 * locked phone) must not keep an honest viewer waiting for their handshake timeout.
 */
@Tag("loopback")
class JoinsTest {
    private static final String GATEWAY_TOKEN = "gateway-token-0123456789";
    /** Handshake and consent timeouts: long, so that a viewer queued behind the vanished sessions would visibly wait for them. */
    private static final int HANDSHAKE_TIMEOUT_SECONDS = 90;

    @Test
    void aViewerBehindFourVanishedOffersPlays() throws Exception {
        int base = LoopbackConfigs.randomBase();
        BridgeConfig bridgeConfig =
                LoopbackConfigs.singleStreamBridge(base, GATEWAY_TOKEN, LoopbackConfigs.randomGroup());
        try (Bridge bridge = new Bridge(bridgeConfig)) {
            String bridgeUrl = "http://127.0.0.1:" + bridge.httpAddress().getPort();
            GatewayConfig loopback =
                    LoopbackConfigs.gateway(base, bridgeUrl, GATEWAY_TOKEN, LoopbackConfigs.GATEWAY_NO_MDNS);
            GatewayConfig gatewayConfig = LoopbackConfigs.withMediaAndLimits(
                    loopback,
                    new MediaSettings(loopback.media().listen(), null, HANDSHAKE_TIMEOUT_SECONDS),
                    new LimitSettings(0, 0, HANDSHAKE_TIMEOUT_SECONDS, 0, 0, 0));
            try (Gateway gateway = new Gateway(gatewayConfig);
                    WhipSender sender =
                            new WhipSender(URI.create(bridgeUrl + "/whip/main"), LoopbackConfigs.WHIP_TOKEN)) {
                sender.start(Duration.ofSeconds(30));
                waitFor(
                        () -> gateway.relay("main") != null
                                && gateway.relay("main").entry().live()
                                && gateway.relay("main").hasCurrentKey(),
                        "the gateway serves the live stream");
                String whep = "http://127.0.0.1:" + gateway.httpAddress().getPort() + "/whep/main";

                HttpClient http = HttpClient.newHttpClient();
                SecureRandom random = new SecureRandom();
                for (int i = 0; i < 4; i++) {
                    // Offers from peers that never send a STUN check nor a DTLS record.
                    String offer = WhepViewer.chromeOffer(IceCredentials.generate(random), DtlsCertificate.generate());
                    HttpResponse<String> answered = http.send(
                            HttpRequest.newBuilder(URI.create(whep))
                                    .header("Content-Type", "application/sdp")
                                    .POST(HttpRequest.BodyPublishers.ofString(offer))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(201, answered.statusCode(), answered.body());
                }

                String metrics = http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                                + gateway.httpAddress().getPort() + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                Map<String, Double> m = PrometheusText.parse(metrics);
                assertEquals(4.0, m.get("lancast_gateway_sessions"), "the vanished offers' sessions wait");
                assertEquals(0.0, m.get("lancast_gateway_dtls_handshakes"), "and hold no handshake thread");

                long start = System.nanoTime();
                try (WhepViewer viewer = new WhepViewer()) {
                    // Well inside the vanished sessions' 90 s: a viewer that waited for them fails here.
                    viewer.start(whep, Duration.ofSeconds(45));
                    waitFor(() -> viewer.rtpReceived() > 0, "media at the viewer behind four vanished offers");
                    System.out.printf(
                            "viewer behind 4 vanished offers: first RTP packet %d ms after its POST%n",
                            (viewer.firstRtpNanos() - start) / 1_000_000);
                }
            }
        }
    }
}
