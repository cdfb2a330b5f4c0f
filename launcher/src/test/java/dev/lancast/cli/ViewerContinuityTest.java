package dev.lancast.cli;

import static dev.lancast.cli.Eventually.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.bridge.Bridge;
import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.gateway.Gateway;
import dev.lancast.gateway.relay.StreamRelay;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.protocol.DropReason;
import dev.lancast.sender.whip.Republisher;
import dev.lancast.sender.whip.WhipSender;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What a viewer of a gateway receives stays one stream: the joiner's keyframe primer never shares
 * a sequence number with a live packet (under the viewer's SRTP key that would be AES-GCM nonce
 * reuse and a corrupted picture), whatever the viewer NACKs. (The viewer's own SRTP replay check
 * would hide a reused index, so the test watches the gateway's answers; ViewerNumberingTest checks
 * every number sent.)
 */
@Tag("loopback")
class ViewerContinuityTest {
    private static final String GATEWAY_TOKEN = "gateway-token-0123456789";

    @Test
    void thePrimerAndTheLivePacketsNeverShareAnIndex() throws Exception {
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
            try (Gateway gateway = new Gateway(
                            LoopbackConfigs.gateway(base, bridgeUrl, GATEWAY_TOKEN, LoopbackConfigs.GATEWAY_NO_MDNS));
                    WhipSender sender =
                            new WhipSender(URI.create(bridgeUrl + "/whip/main"), LoopbackConfigs.WHIP_TOKEN);
                    WhepViewer viewer = new WhepViewer()) {
                sender.start(Duration.ofSeconds(30));
                waitFor(
                        () -> gateway.relay("main") != null
                                && gateway.relay("main").received() > 300,
                        "the gateway has a few seconds of the stream (and so a keyframe)");
                StreamRelay relay = gateway.relay("main");
                long videoSsrc = relay.viewerSsrc(Track.Kind.VIDEO);
                viewer.start(
                        "http://127.0.0.1:" + gateway.httpAddress().getPort() + "/whep/main", Duration.ofSeconds(20));
                waitFor(() -> viewer.firstSeq(videoSsrc) >= 0, "the viewer's first video packet");
                assertEquals(1, relay.keyframesToJoiners(), "the viewer was started with the cached keyframe");
                // At once (the gateway keeps a second of packets): the 17 numbers before the viewer's first,
                // which live packets had at the relay before the join and which must never reach it. Not
                // from the first on: that may be a later primer packet, when the first few came before the
                // test viewer's DTLS thread had handed it its keys (it drops those), and the numbers
                // after the primer are live packets it may ask for again.
                int first = viewer.firstSeq(videoSsrc);
                viewer.sendNack(videoSsrc, (first - 17) & 0xFFFF, 17);
                long rtp = viewer.rtpReceived();
                waitFor(() -> viewer.rtpReceived() > rtp + 200, "200 more packets");
                assertEquals(
                        0,
                        relay.viewerRetransmissions(),
                        "the gateway answered a NACK for a primer number (or one from before the join)");
                // Live packets asked for again come again, with the same content.
                long answered = relay.viewerRetransmissions();
                long refused = viewer.srtpFailures();
                int later = (viewer.lastSeq(videoSsrc) - 10) & 0xFFFF;
                viewer.sendNack(videoSsrc, later, 16);
                waitFor(() -> relay.viewerRetransmissions() > answered, "an answer to a NACK of live packets");
                // The repairs reach the viewer, whose SRTP refuses them as replays (it has them): until
                // 2026-12-01 the gateway's SRTP sender refused to protect an index twice, so none left.
                waitFor(() -> viewer.srtpFailures() > refused, "the repairs on the wire");
                Thread.sleep(500);
                assertEquals(0, viewer.indexReuses(), "an SRTP index came again with other content");
                assertTrue(viewer.rtpReceived() > 200);
            }
        }
    }

    /**
     * The bridge stops and a new one starts on the same addresses (new SSRCs, numbers and keys), and
     * a broadcaster publishes to it: the gateway re-fetches keys and catalog and registers again by
     * itself, and its viewer plays on, on the same WHEP session and the same SSRC, with numbers that
     * continue.
     */
    @Test
    void aViewerPlaysOnAcrossABridgeRestart() throws Exception {
        int base = 20000 + 8 * ThreadLocalRandom.current().nextInt(4000);
        String group = "239.255." + ThreadLocalRandom.current().nextInt(1, 255) + "."
                + ThreadLocalRandom.current().nextInt(1, 255);
        BridgeConfig loopback = LoopbackConfigs.bridge(
                base,
                LoopbackConfigs.keys(GATEWAY_TOKEN),
                List.of(LoopbackConfigs.stream("main", group, base + 4)),
                LoopbackConfigs.BRIDGE_NO_MDNS);
        int httpPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            httpPort = free.getLocalPort();
        }
        BridgeConfig bridgeConfig = new BridgeConfig(
                dev.lancast.rtc.config.HttpSettings.plainWithCredentials(
                        new dev.lancast.rtc.config.HostPort("127.0.0.1", httpPort)),
                loopback.media(),
                loopback.feedback(),
                loopback.multicast(),
                loopback.keys(),
                loopback.streams(),
                null,
                null,
                loopback.discovery());
        String bridgeUrl = "http://127.0.0.1:" + httpPort;
        Bridge first = new Bridge(bridgeConfig);
        try (Gateway gateway = new Gateway(
                        LoopbackConfigs.gateway(base, bridgeUrl, GATEWAY_TOKEN, LoopbackConfigs.GATEWAY_NO_MDNS));
                WhepViewer viewer = new WhepViewer();
                Republisher sender = new Republisher(
                        () -> new WhipSender(URI.create(bridgeUrl + "/whip/main"), LoopbackConfigs.WHIP_TOKEN),
                        bridgeUrl,
                        Duration.ofSeconds(20),
                        Duration.ofSeconds(3))) {
            long videoSsrc;
            try {
                sender.start();
                waitFor(
                        () -> gateway.relay("main") != null
                                && gateway.relay("main").received() > 100
                                && gateway.relay("main").entry().live(),
                        "live media at the gateway");
                videoSsrc = gateway.relay("main").viewerSsrc(Track.Kind.VIDEO);
                viewer.start(
                        "http://127.0.0.1:" + gateway.httpAddress().getPort() + "/whep/main", Duration.ofSeconds(20));
                waitFor(() -> viewer.rtpReceived() > 100, "the viewer plays");
            } finally {
                first.close();
            }
            Thread.sleep(1000); // the bridge is away for a second
            int before = viewer.lastSeq(videoSsrc);
            try (Bridge second = new Bridge(bridgeConfig)) {
                long restarted = System.nanoTime();
                waitFor(() -> second.stream("main").isLive(), "the sender published to the new bridge by itself");
                long live = System.nanoTime();
                waitFor(
                        () -> viewer.lastSeq(videoSsrc) >= 0
                                && dev.lancast.rtc.rtp.SequenceNumbers.diff(viewer.lastSeq(videoSsrc), before) > 0,
                        "the viewer's first video packet after the restart, on its SSRC, numbered on from before");
                long playing = System.nanoTime();
                waitFor(
                        () -> dev.lancast.rtc.rtp.SequenceNumbers.diff(viewer.lastSeq(videoSsrc), before) > 100,
                        "100 more video packets");
                System.out.printf(
                        "bridge restart: new bridge -> sender live again %d ms; live -> viewer's first packet %d ms%n",
                        (live - restarted) / 1_000_000, (playing - live) / 1_000_000);
                assertTrue(sender.sessionsPublished() >= 2, "the sender published again by itself");
                assertTrue(
                        second.stream("main").ssrc(Track.Kind.VIDEO) != videoSsrc, "a new bridge, a new SSRC upstream");
                waitFor(() -> !second.gateways().isEmpty(), "the gateway registered with the new bridge");
                assertEquals(0, viewer.indexReuses(), "an SRTP index came again with other content");
                assertEquals(0, gateway.relay("main").dropped(DropReason.AUTH_FAILED));
            }
        }
    }
}
