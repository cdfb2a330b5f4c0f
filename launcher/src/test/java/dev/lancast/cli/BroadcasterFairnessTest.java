package dev.lancast.cli;

import static dev.lancast.cli.Eventually.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.bridge.Bridge;
import dev.lancast.bridge.ingest.StreamIngest;
import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.ice.IceCredentials;
import dev.lancast.rtc.peer.PeerConnection;
import dev.lancast.rtc.sdp.OfferBuilder;
import dev.lancast.sender.whip.WhipSender;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, fairness at the broadcaster: a WHIP POST whose peer never connects does not take the
 * live stream dark, and a storm of keyframe requests (one viewer's PLIs, join churn) reaches the
 * broadcaster only at the stream's sustained rate.
 */
@Tag("loopback")
class BroadcasterFairnessTest {
    private static final String GATEWAY_TOKEN = "gateway-token-0123456789";

    private static Bridge bridge() {
        int base = 20000 + 8 * ThreadLocalRandom.current().nextInt(4000);
        String group = "239.255." + ThreadLocalRandom.current().nextInt(1, 255) + "."
                + ThreadLocalRandom.current().nextInt(1, 255);
        return new Bridge(LoopbackConfigs.bridge(
                base,
                LoopbackConfigs.keys(GATEWAY_TOKEN),
                List.of(LoopbackConfigs.stream("main", group, base + 4)),
                LoopbackConfigs.BRIDGE_NO_MDNS));
    }

    @Test
    void aReplacingSessionTakesOverOnlyOnceItConnects() throws Exception {
        try (Bridge bridge = bridge()) {
            String whip = "http://127.0.0.1:" + bridge.httpAddress().getPort() + "/whip/main";
            StreamIngest stream = bridge.stream("main");
            try (WhipSender live = new WhipSender(URI.create(whip), LoopbackConfigs.WHIP_TOKEN)) {
                live.start(Duration.ofSeconds(30));
                waitFor(stream::isLive, "the first broadcaster live");
                PeerConnection first = stream.broadcaster();

                // A valid offer with the token, from a peer that never does ICE or DTLS.
                IceCredentials ice = IceCredentials.generate(new SecureRandom());
                String offer = new OfferBuilder()
                        .ice(ice.ufrag(), ice.pwd())
                        .fingerprint("sha-256", DtlsCertificate.generate().fingerprintSha256())
                        .audio(111, 1111, "dead", "dead", "dead-audio")
                        .video(96, 2222, "dead", "dead", "dead-video")
                        .build();
                HttpResponse<String> answer = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(whip))
                                        .header("Content-Type", "application/sdp")
                                        .header("Authorization", "Bearer " + LoopbackConfigs.WHIP_TOKEN)
                                        .POST(HttpRequest.BodyPublishers.ofString(offer))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertEquals(201, answer.statusCode(), answer.body());
                Thread.sleep(3000);
                assertTrue(stream.isLive(), "still live while the new session has not connected");
                assertSame(first, stream.broadcaster(), "the connected broadcaster stays on air");
                assertTrue(live.isConnected());

                // A session that does connect takes over.
                try (WhipSender next = new WhipSender(URI.create(whip), LoopbackConfigs.WHIP_TOKEN)) {
                    next.start(Duration.ofSeconds(30));
                    waitFor(() -> stream.broadcaster() != first && stream.isLive(), "the connected replacement on air");
                    waitFor(first::isClosed, "the replaced broadcaster's session closed at the bridge");
                }
            }
        }
    }

    @Test
    void keyframeRequestsReachTheBroadcasterAtTheStreamsSustainedRate() throws Exception {
        try (Bridge bridge = bridge()) {
            String whip = "http://127.0.0.1:" + bridge.httpAddress().getPort() + "/whip/main";
            StreamIngest stream = bridge.stream("main");
            try (WhipSender live = new WhipSender(URI.create(whip), LoopbackConfigs.WHIP_TOKEN)) {
                live.start(Duration.ofSeconds(30));
                waitFor(stream::isLive, "the broadcaster live");
                Thread.sleep(1000);
                long before = stream.keyframeRequestsSent();
                long start = System.nanoTime();
                for (int i = 0; i < 40; i++) { // 4 per second for 10 s, as from viewers' PLIs and joins
                    stream.requestKeyframe();
                    Thread.sleep(250);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long sent = stream.keyframeRequestsSent() - before;
                // Burst of 3, then one per 5 x 500 ms; the 500 ms interval alone would let about 20 through.
                long allowed = StreamIngest.KEYFRAME_BURST + (long) Math.ceil(seconds / 2.5) + 1;
                assertTrue(sent >= 2 && sent <= allowed, sent + " keyframe requests sent in " + seconds + " s");
                assertTrue(stream.keyframeRequestsDeferred() > 0, "the held-back requests are counted");
            }
        }
    }
}
