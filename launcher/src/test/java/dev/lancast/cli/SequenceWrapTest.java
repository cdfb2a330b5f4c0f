package dev.lancast.cli;

import static dev.lancast.cli.Eventually.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lancast.bridge.Bridge;
import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.bridge.multicast.GroupPublisher;
import dev.lancast.gateway.Gateway;
import dev.lancast.gateway.relay.StreamRelay;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.protocol.DropReason;
import dev.lancast.rtc.srtp.PacketIndex;
import dev.lancast.sender.whip.WhipSender;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Streams that have run past the 16-bit sequence wrap (minutes of video, hours of audio in a real
 * lecture; seconds here, from a first sequence number near 65535): a gateway that starts after both
 * tracks wrapped authenticates every packet and its viewer plays, and a key rotation in the middle
 * of a wrap loses nothing, for a gateway that was there and for one that comes after.
 */
@Tag("loopback")
class SequenceWrapTest {
    private static final String GATEWAY_TOKEN = "gateway-token-0123456789";
    private static final int FIRST_SEQ = 65535 - 150;

    @Test
    void aGatewayStartedAfterBothTracksWrappedPlays() throws Exception {
        int base = 20000 + 8 * ThreadLocalRandom.current().nextInt(4000);
        try (Bridge bridge = new Bridge(bridgeConfig(base), FIRST_SEQ)) {
            String bridgeUrl = "http://127.0.0.1:" + bridge.httpAddress().getPort();
            try (WhipSender sender = new WhipSender(URI.create(bridgeUrl + "/whip/main"), LoopbackConfigs.WHIP_TOKEN)) {
                sender.start(Duration.ofSeconds(30));
                GroupPublisher publisher = bridge.stream("main").publisher();
                waitFor(
                        () -> roc(publisher, Track.Kind.VIDEO) >= 1
                                && roc(publisher, Track.Kind.AUDIO) >= 1
                                && PacketIndex.seq(publisher.latestIndex(Track.AUDIO_SLOT)[1]) > 20,
                        "video and audio sequence numbers wrapped at the bridge");
                try (Gateway gateway = new Gateway(LoopbackConfigs.gateway(
                                base, bridgeUrl, GATEWAY_TOKEN, LoopbackConfigs.GATEWAY_NO_MDNS));
                        WhepViewer viewer = new WhepViewer()) {
                    waitFor(
                            () -> gateway.relay("main") != null
                                    && gateway.relay("main").received() > 200,
                            "the late gateway authenticated 200 packets");
                    StreamRelay relay = gateway.relay("main");
                    assertEquals(0, relay.dropped(DropReason.AUTH_FAILED), "no packet failed authentication");
                    viewer.start(
                            "http://127.0.0.1:" + gateway.httpAddress().getPort() + "/whep/main",
                            Duration.ofSeconds(20));
                    waitFor(() -> viewer.rtpReceived() > 100, "the late gateway's viewer received 100 packets");
                    assertEquals(0, relay.dropped(DropReason.AUTH_FAILED), "no packet failed authentication");
                    assertEquals(
                            PacketIndex.roc(publisher.latestIndex(0)[1]),
                            PacketIndex.roc(relay.packetIndex(Track.Kind.VIDEO)));
                }
            }
        }
    }

    @Test
    void aKeyRotationDuringTheWrapLosesNothing() throws Exception {
        int base = 20000 + 8 * ThreadLocalRandom.current().nextInt(4000);
        try (Bridge bridge = new Bridge(bridgeConfig(base), FIRST_SEQ)) {
            String bridgeUrl = "http://127.0.0.1:" + bridge.httpAddress().getPort();
            try (Gateway early = new Gateway(
                            LoopbackConfigs.gateway(base, bridgeUrl, GATEWAY_TOKEN, LoopbackConfigs.GATEWAY_NO_MDNS));
                    WhipSender sender =
                            new WhipSender(URI.create(bridgeUrl + "/whip/main"), LoopbackConfigs.WHIP_TOKEN)) {
                waitFor(() -> early.relay("main") != null && early.relay("main").hasCurrentKey(), "the gateway's keys");
                sender.start(Duration.ofSeconds(30));
                GroupPublisher publisher = bridge.stream("main").publisher();
                // Rotate within the last 100 packets before the video wrap: packets under the old key with
                // ROC 0 and under the new one with ROC 1 are in flight together.
                waitFor(
                        () -> publisher.latestIndex(0) != null
                                && roc(publisher, Track.Kind.VIDEO) == 0
                                && PacketIndex.seq(publisher.latestIndex(0)[1]) > 65535 - 100,
                        "video about to wrap");
                bridge.stream("main").publisher().keys().rotate();
                waitFor(
                        () -> roc(publisher, Track.Kind.VIDEO) >= 1
                                && PacketIndex.seq(publisher.latestIndex(0)[1]) > 100,
                        "video wrapped under the new key");
                int keyAfterRotation = publisher.keys().current().id();
                StreamRelay relay = early.relay("main");
                waitFor(() -> relay.entry().keyId() == keyAfterRotation, "the gateway follows the rotation");
                long received = relay.received();
                waitFor(() -> relay.received() > received + 100, "media keeps flowing after the wrap");
                for (DropReason reason : DropReason.values()) {
                    assertEquals(
                            0, relay.dropped(reason), "the gateway that was there dropped nothing: " + reason.label());
                }
                try (Gateway late = new Gateway(LoopbackConfigs.gateway(
                        base + 8000, bridgeUrl, GATEWAY_TOKEN, LoopbackConfigs.GATEWAY_NO_MDNS))) {
                    waitFor(
                            () -> late.relay("main") != null
                                    && late.relay("main").received() > 100,
                            "a gateway started after the rotation and the wrap authenticated 100 packets");
                    assertEquals(0, late.relay("main").dropped(DropReason.AUTH_FAILED));
                }
            }
        }
    }

    private static long roc(GroupPublisher publisher, Track.Kind kind) {
        long[] latest = publisher.latestIndex(Track.slotOf(kind, 0));
        return latest == null ? -1 : PacketIndex.roc(latest[1]);
    }

    private static BridgeConfig bridgeConfig(int base) {
        String group = "239.255." + ThreadLocalRandom.current().nextInt(1, 255) + "."
                + ThreadLocalRandom.current().nextInt(1, 255);
        return LoopbackConfigs.bridge(
                base,
                LoopbackConfigs.keys(GATEWAY_TOKEN),
                List.of(LoopbackConfigs.stream("main", group, base + 4)),
                LoopbackConfigs.BRIDGE_NO_MDNS);
    }
}
