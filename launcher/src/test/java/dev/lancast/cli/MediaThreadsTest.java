package dev.lancast.cli;

import static dev.lancast.cli.Eventually.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.bridge.Bridge;
import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.gateway.Gateway;
import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.gateway.relay.ShardedFanout;
import dev.lancast.rtc.config.LimitSettings;
import dev.lancast.rtc.config.MediaSettings;
import dev.lancast.sender.whip.WhipSender;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * media.threads: the gateway's viewers are spread over its media loops (one SO_REUSEPORT socket
 * each on the one media port) by the kernel's hash of their address, and every loop serves its
 * viewers the whole stream. A loop keeps nothing of a stream until its first viewer (security
 * review N15); that viewer is still started with the cached keyframe, which the relay's loop hands
 * over as the loop opens.
 */
@Tag("loopback")
class MediaThreadsTest {
    private static final String GATEWAY_TOKEN = "gateway-token-0123456789";
    /** Each viewer has its own port, so the chance that all land on one of two sockets is 2 in 65,536. */
    private static final int VIEWERS = 16;

    @Test
    void twoMediaLoopsBothCarryViewers() throws Exception {
        int base = LoopbackConfigs.randomBase();
        BridgeConfig bridgeConfig =
                LoopbackConfigs.singleStreamBridge(base, GATEWAY_TOKEN, LoopbackConfigs.randomGroup());
        try (Bridge bridge = new Bridge(bridgeConfig)) {
            String bridgeUrl = "http://127.0.0.1:" + bridge.httpAddress().getPort();
            GatewayConfig loopback =
                    LoopbackConfigs.gateway(base, bridgeUrl, GATEWAY_TOKEN, LoopbackConfigs.GATEWAY_NO_MDNS);
            GatewayConfig gatewayConfig = LoopbackConfigs.withMediaAndLimits(
                    loopback,
                    new MediaSettings(loopback.media().listen(), null, 0, 2),
                    new LimitSettings(0, VIEWERS, 0, 0, 0, 0));
            List<WhepViewer> viewers = new ArrayList<>();
            try (Gateway gateway = new Gateway(gatewayConfig);
                    WhipSender sender =
                            new WhipSender(URI.create(bridgeUrl + "/whip/main"), LoopbackConfigs.WHIP_TOKEN)) {
                try {
                    sender.start(Duration.ofSeconds(30));
                    waitFor(
                            () -> gateway.relay("main") != null
                                    && gateway.relay("main").entry().live()
                                    && gateway.relay("main").hasCurrentKey()
                                    && gateway.relay("main").received() > 300,
                            "the gateway serves the live stream (and has had a keyframe)");
                    String whep = "http://127.0.0.1:" + gateway.httpAddress().getPort() + "/whep/main";
                    for (int i = 0; i < VIEWERS; i++) {
                        WhepViewer viewer = new WhepViewer();
                        viewers.add(viewer);
                        viewer.start(whep, Duration.ofSeconds(30));
                    }
                    ShardedFanout fanout = gateway.relay("main").fanout();
                    assertEquals(2, fanout.shardCount(), "one shard per media loop");
                    waitFor(() -> viewers.stream().allMatch(v -> v.rtpReceived() > 50), "media at every viewer");
                    int[] perLoop = fanout.viewersPerShard();
                    long[] delivered = fanout.deliveredPerShard();
                    System.out.printf(
                            "viewers per media loop %s, packets delivered per loop %s%n",
                            Arrays.toString(perLoop), Arrays.toString(delivered));
                    assertEquals(VIEWERS, perLoop[0] + perLoop[1], Arrays.toString(perLoop));
                    assertTrue(perLoop[0] > 0 && perLoop[1] > 0, "both loops own viewers: " + Arrays.toString(perLoop));
                    assertTrue(delivered[0] > 0 && delivered[1] > 0, "both loops send: " + Arrays.toString(delivered));
                    for (WhepViewer v : viewers) {
                        assertEquals(0, v.indexReuses(), "no sequence number carries two contents");
                    }
                    // Every joiner is offered the cached keyframe, the first on the second loop too (it
                    // opened that loop); one that waited over 500 ms for the loop's primer budget is
                    // counted as expired instead (the live keyframe its join asked for starts it).
                    long primed = gateway.relay("main").keyframesToJoiners();
                    long expired = fanout.primers().get("expired");
                    assertEquals(
                            VIEWERS,
                            primed + expired,
                            "joiners primed " + primed + ", waited too long " + expired + ", per loop "
                                    + Arrays.toString(perLoop));
                } finally {
                    for (WhepViewer v : viewers) {
                        v.close();
                    }
                }
            }
        }
    }
}
