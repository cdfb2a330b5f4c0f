package dev.lancast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.bridge.Bridge;
import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.ice.IceCredentials;
import dev.lancast.rtc.peer.SessionIds;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * N19: the session id is the secret part of a WHIP/WHEP session URL (whoever has it may restart
 * the session's ICE or end it), so the log names a session by a short hash of it, never the id.
 */
@Tag("loopback")
class SessionIdLogTest {
    @Test
    void theLogNamesASessionByAHashOfItsIdOnly() throws Exception {
        int base = LoopbackConfigs.randomBase();
        BridgeConfig config = LoopbackConfigs.bridge(
                base,
                LoopbackConfigs.keys("gateway-token-0123456789"),
                List.of(LoopbackConfigs.stream("main", LoopbackConfigs.randomGroup(), base + 4)),
                LoopbackConfigs.BRIDGE_NO_MDNS);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream before = System.err;
        String id;
        try (Bridge bridge = new Bridge(config)) {
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8)); // slf4j-simple writes to System.err
            URI bridgeUrl =
                    URI.create("http://127.0.0.1:" + bridge.httpAddress().getPort());
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> created = http.send(
                    HttpRequest.newBuilder(bridgeUrl.resolve("/whip/main"))
                            .header("Authorization", "Bearer " + LoopbackConfigs.WHIP_TOKEN)
                            .header("Content-Type", "application/sdp")
                            .POST(HttpRequest.BodyPublishers.ofString(WhepViewer.chromeOffer(
                                    IceCredentials.generate(new SecureRandom()), DtlsCertificate.generate())))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            String location = created.headers().firstValue("Location").orElseThrow();
            id = location.substring(location.lastIndexOf('/') + 1);
            assertEquals(
                    200,
                    http.send(
                                    HttpRequest.newBuilder(bridgeUrl.resolve(location))
                                            .header("Authorization", "Bearer " + LoopbackConfigs.WHIP_TOKEN)
                                            .DELETE()
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode());
            Eventually.waitFor(
                    () -> log.toString(StandardCharsets.UTF_8).contains("closed ("), "the session's close logged");
        } finally {
            System.setErr(before);
        }
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("WHIP session " + SessionIds.forLog(id) + " for stream main"), text);
        assertTrue(text.contains("session " + SessionIds.forLog(id) + ": closed"), text);
        assertFalse(text.contains(id), "the session id is in the log:\n" + text);
    }
}
