package dev.lancast.cli;

import static dev.lancast.cli.Eventually.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.bridge.Bridge;
import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.gateway.Gateway;
import dev.lancast.gateway.relay.StreamRelay;
import dev.lancast.rtc.multicast.GroupWireFormat;
import dev.lancast.rtc.protocol.DropReason;
import dev.lancast.sender.whip.WhipSender;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: a host on the LAN sends datagrams under the stream's (public) key id with random
 * SSRCs. At the gateway they are dropped as SSRCs the catalog does not name, before any crypto
 * (they used to derive and keep a crypto context each); at the bridge's feedback port, where a
 * gateway's SSRC is not known in advance, first sightings beyond a per-source budget are dropped
 * before any crypto. Real media goes on meanwhile.
 */
@Tag("loopback")
class ForgedDatagramsTest {
    private static final String GATEWAY_TOKEN = "gateway-token-0123456789";
    private static final int FORGED = 3000;

    @Test
    void randomSsrcDatagramsUnderTheRealKeyIdCostNoCrypto() throws Exception {
        int base = LoopbackConfigs.randomBase();
        String group = LoopbackConfigs.randomGroup();
        BridgeConfig bridgeConfig = LoopbackConfigs.singleStreamBridge(base, GATEWAY_TOKEN, group);
        try (Bridge bridge = new Bridge(bridgeConfig)) {
            String bridgeUrl = "http://127.0.0.1:" + bridge.httpAddress().getPort();
            try (Gateway gateway = new Gateway(
                            LoopbackConfigs.gateway(base, bridgeUrl, GATEWAY_TOKEN, LoopbackConfigs.GATEWAY_NO_MDNS));
                    WhipSender sender =
                            new WhipSender(URI.create(bridgeUrl + "/whip/main"), LoopbackConfigs.WHIP_TOKEN)) {
                sender.start(Duration.ofSeconds(30));
                waitFor(
                        () -> gateway.relay("main") != null
                                && gateway.relay("main").received() > 100,
                        "the gateway receiving the live stream");
                StreamRelay relay = gateway.relay("main");
                int keyId = bridge.catalog().streams().get(0).keyId();
                Random random = new Random(14);
                long start;
                byte[] datagram = new byte[1200];
                try (DatagramChannel out = DatagramChannel.open(StandardProtocolFamily.INET)) {
                    out.setOption(StandardSocketOptions.IP_MULTICAST_IF, NetworkInterface.getByName("lo"));
                    out.bind(new InetSocketAddress("127.0.0.1", 0));
                    InetSocketAddress videoGroup = new InetSocketAddress(group, base + 4);
                    InetSocketAddress feedbackPort = new InetSocketAddress("127.0.0.1", base + 2);
                    int feedbackKey = bridge.feedbackKeys().current().id();
                    start = System.nanoTime();
                    for (int i = 0; i < FORGED; i++) {
                        random.nextBytes(datagram);
                        GroupWireFormat.writeHeader(datagram, 0, keyId);
                        datagram[4] = (byte) 0x80; // RTP version 2, payload type 96
                        datagram[5] = 96;
                        out.send(ByteBuffer.wrap(datagram), videoGroup);
                        GroupWireFormat.writeHeader(datagram, 0, feedbackKey);
                        datagram[4] = (byte) 0x81; // RTCP PLI from a random SSRC
                        datagram[5] = (byte) 206;
                        out.send(ByteBuffer.wrap(datagram, 0, 64), feedbackPort);
                        if (i % 100 == 99) {
                            Thread.sleep(5); // paced so that loopback's socket buffers do not drop them
                        }
                    }
                }
                // On a loaded machine loopback may lose some of them: wait for the counts to settle.
                long forgedAtGateway = settled(() -> relay.dropped(DropReason.UNKNOWN_SSRC));
                assertTrue(forgedAtGateway > FORGED / 10, "the gateway dropped them by their SSRC: " + forgedAtGateway);
                assertEquals(
                        0,
                        relay.dropped(DropReason.AUTH_FAILED),
                        "no forged datagram reached the crypto (each used to derive and keep a context)");
                long before = relay.received();
                waitFor(() -> relay.received() > before + 100, "real media going on");

                settled(() -> feedbackDrops(bridge).get("trial_limit")
                        + feedbackDrops(bridge).get("auth_failed"));
                double seconds = (System.nanoTime() - start) / 1e9;
                long tried = feedbackDrops(bridge).get("auth_failed");
                assertTrue(
                        feedbackDrops(bridge).get("trial_limit") > 0,
                        "first sightings past the budget refused: " + feedbackDrops(bridge));
                assertTrue(
                        tried > 0 && tried <= 20 * (seconds + 1) + 20,
                        "at most 20 first sightings/s from one source " + "tried, in " + seconds + " s: "
                                + feedbackDrops(bridge));
            }
        }
    }

    /** The value once it has not changed for a second (at most 60 s). */
    private static long settled(java.util.function.LongSupplier value) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        long last = value.getAsLong();
        while (System.nanoTime() < deadline) {
            Thread.sleep(1000);
            long now = value.getAsLong();
            if (now == last && now > 0) {
                return now;
            }
            last = now;
        }
        return last;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long> feedbackDrops(Bridge bridge) {
        return (Map<String, Long>) bridge.status().get("feedbackDroppedBy");
    }
}
