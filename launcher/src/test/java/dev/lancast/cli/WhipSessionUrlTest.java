package dev.lancast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lancast.bridge.Bridge;
import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.ice.IceCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * RFC 9725: a WHIP session URL names its stream; DELETE and PATCH under another stream's name
 * (with that stream's valid token) do not reach the session.
 */
@Tag("loopback")
class WhipSessionUrlTest {
    @Test
    void aSessionIsOnlyReachableUnderItsOwnStream() throws Exception {
        int base = 20000 + 8 * ThreadLocalRandom.current().nextInt(4000);
        String group = "239.255." + ThreadLocalRandom.current().nextInt(1, 255) + "."
                + ThreadLocalRandom.current().nextInt(1, 255);
        BridgeConfig config = LoopbackConfigs.bridge(
                base,
                LoopbackConfigs.keys("gateway-token-0123456789"),
                List.of(LoopbackConfigs.stream("a", group, base + 4), LoopbackConfigs.stream("b", group, base + 8)),
                LoopbackConfigs.BRIDGE_NO_MDNS);
        HttpClient http = HttpClient.newHttpClient();
        try (Bridge bridge = new Bridge(config)) {
            URI bridgeUrl =
                    URI.create("http://127.0.0.1:" + bridge.httpAddress().getPort());
            String offer =
                    WhepViewer.chromeOffer(IceCredentials.generate(new SecureRandom()), DtlsCertificate.generate());
            HttpResponse<String> created = http.send(
                    HttpRequest.newBuilder(bridgeUrl.resolve("/whip/a"))
                            .header("Authorization", "Bearer " + LoopbackConfigs.WHIP_TOKEN)
                            .header("Content-Type", "application/sdp")
                            .POST(HttpRequest.BodyPublishers.ofString(offer))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            String location = created.headers().firstValue("Location").orElseThrow();
            String id = location.substring(location.lastIndexOf('/') + 1);
            assertEquals("/whip/a/" + id, location);

            HttpResponse<String> wrongDelete = http.send(
                    HttpRequest.newBuilder(bridgeUrl.resolve("/whip/b/" + id))
                            .header("Authorization", "Bearer " + LoopbackConfigs.WHIP_TOKEN)
                            .DELETE()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, wrongDelete.statusCode(), wrongDelete.body());
            HttpResponse<String> wrongPatch = http.send(
                    HttpRequest.newBuilder(bridgeUrl.resolve("/whip/b/" + id))
                            .header("Authorization", "Bearer " + LoopbackConfigs.WHIP_TOKEN)
                            .header("Content-Type", "application/trickle-ice-sdpfrag")
                            .header("If-Match", "*")
                            .method("PATCH", HttpRequest.BodyPublishers.ofString("a=end-of-candidates\r\n"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, wrongPatch.statusCode(), wrongPatch.body());

            HttpResponse<String> delete = http.send(
                    HttpRequest.newBuilder(bridgeUrl.resolve(location))
                            .header("Authorization", "Bearer " + LoopbackConfigs.WHIP_TOKEN)
                            .DELETE()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(
                    200, delete.statusCode(), "the session was still there under its own stream: " + delete.body());
        }
    }
}
