package dev.lancast.cli;

import dev.lancast.bridge.Bridge;
import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.bridge.config.StreamConfig;
import dev.lancast.bridge.config.TrackGroup;
import dev.lancast.gateway.Gateway;
import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.rtc.config.HostPort;
import dev.lancast.rtc.config.HttpSettings;
import dev.lancast.rtc.config.LimitSettings;
import dev.lancast.rtc.config.MediaSettings;
import dev.lancast.rtc.config.TlsSettings;
import dev.lancast.sender.whip.WhipSender;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Bridge, gateway and test-clip sender in one process, all on loopback: multicast goes out of
 * and back into {@code lo} only.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Run bridge, gateway and a test-pattern broadcaster on loopback and print their URLs.")
final class DemoCommand implements Callable<Integer> {
    private static final String HOST = "127.0.0.1";
    private static final String GATEWAY_NAME = "demo-gateway";

    @Option(
            names = "--bridge-port",
            defaultValue = "8080",
            description = "bridge HTTP port (default: ${DEFAULT-VALUE})")
    int bridgePort;

    @Option(
            names = "--gateway-port",
            defaultValue = "8081",
            description = "gateway HTTP port (default: ${DEFAULT-VALUE})")
    int gatewayPort;

    @Option(
            names = "--udp-port-base",
            defaultValue = "10000",
            description = "first of the UDP ports: bridge media +0, gateway media +1, feedback +2, "
                    + "video group +4, audio group +6 (default: ${DEFAULT-VALUE})")
    int udpBase;

    @Option(
            names = "--group",
            defaultValue = "239.255.77.1",
            description = "multicast group for the stream, on lo (default: ${DEFAULT-VALUE})")
    String group;

    @Option(
            names = "--token",
            description = "WHIP token for stream 'main', 16+ characters (default: a random one, printed)")
    String token;

    @Option(names = "--no-test-pattern", description = "do not start the built-in test-clip broadcaster")
    boolean noTestPattern;

    @Option(
            names = "--viewers-per-address",
            defaultValue = "10",
            description = "viewer sessions the gateway takes from one address (default: ${DEFAULT-VALUE}; "
                    + "raise it for `lancast bench viewers`, which opens them all from 127.0.0.1)")
    int viewersPerAddress;

    @Option(
            names = "--send-timestamps",
            description = "the bridge stamps each multicast RTP packet with its send time "
                    + "(multicast.sendTimestamps), so `lancast bench viewers` reports one-way delay")
    boolean sendTimestamps;

    @Override
    public Integer call() throws Exception {
        SecureRandom random = new SecureRandom();
        String whipToken = token != null ? token : HexFormat.of().formatHex(random.generateSeed(12));
        String gatewayToken = HexFormat.of().formatHex(random.generateSeed(16));
        BridgeConfig bridgeConfig;
        try {
            bridgeConfig = new BridgeConfig(
                    // Gateways get keys over HTTPS, as everywhere: a certificate made now, on a free port.
                    new HttpSettings(
                            new HostPort(HOST, bridgePort),
                            0,
                            0,
                            new TlsSettings(new HostPort(HOST, 0), null, null, true, null, null, false),
                            null),
                    new MediaSettings(new HostPort(HOST, udpBase), HOST, 0),
                    new HostPort(HOST, udpBase + 2),
                    new BridgeConfig.MulticastSettings("lo", 1, sendTimestamps),
                    new BridgeConfig.KeySettings(0, Map.of(GATEWAY_NAME, gatewayToken), List.of()),
                    List.of(StreamConfig.of(
                            "main",
                            List.of(whipToken),
                            2_500_000,
                            new TrackGroup(group, udpBase + 4, null),
                            new TrackGroup(group, udpBase + 6, null))),
                    null,
                    null,
                    new BridgeConfig.DiscoverySettings("lancast-demo", "lo", true),
                    // The demo's admin page is for the person at this machine.
                    new BridgeConfig.AdminSettings(null, true),
                    null,
                    null);
        } catch (IllegalArgumentException e) {
            System.err.println("lancast demo: --token: " + e.getMessage());
            return 2;
        }
        Bridge bridge = new Bridge(bridgeConfig);
        String bridgeUrl = "http://" + HOST + ":" + bridge.httpAddress().getPort();
        GatewayConfig gatewayConfig = new GatewayConfig(
                new HttpSettings(new HostPort(HOST, gatewayPort), 0, 0),
                new MediaSettings(new HostPort(HOST, udpBase + 1), HOST, 0),
                // Only its token: the gateway checks the bridge's certificate by the bridge's proof.
                "https://" + HOST + ":" + bridge.httpsAddress().getPort(),
                gatewayToken,
                new GatewayConfig.MulticastSettings("lo"),
                null,
                null,
                // a load generator joins them all from one address: its STUN budget grows with them
                new LimitSettings(
                        Math.max(500, viewersPerAddress),
                        viewersPerAddress,
                        0,
                        0,
                        0,
                        0,
                        viewersPerAddress > 10 ? 20 * viewersPerAddress : 0),
                new GatewayConfig.DiscoverySettings(GATEWAY_NAME, "lo", true, null, null, null, 0, null));
        Gateway gateway = new Gateway(gatewayConfig);
        String gatewayUrl = "http://" + HOST + ":" + gateway.httpAddress().getPort();
        AutoCloseable sender = () -> {};
        if (!noTestPattern) {
            WhipSender clip = new WhipSender(URI.create(bridgeUrl + "/whip/main"), whipToken);
            clip.start(Duration.ofSeconds(20));
            sender = clip;
        }
        awaitPortal(bridge);
        System.out.println("lancast demo is running (Ctrl-C to stop)");
        System.out.println("  viewer:    " + gatewayUrl + "/");
        System.out.println("  portal:    " + bridgeUrl + "/watch/main");
        System.out.println("  broadcast: " + bridgeUrl + "/broadcast");
        System.out.println("  WHIP:      " + bridgeUrl + "/whip/main");
        System.out.println("  WHEP:      " + gatewayUrl + "/whep/main");
        System.out.println("  token:     " + whipToken);
        System.out.flush();
        Processes.runUntilStopped(bridge, gateway, sender);
        return 0;
    }

    /** The portal URL printed below works once the gateway has registered, serving the stream. */
    private static void awaitPortal(Bridge bridge) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (bridge.gateways().stream().noneMatch(g -> g.info().streams().contains("main"))) {
            if (System.nanoTime() > deadline) {
                System.err.println("lancast demo: the gateway has not registered with the bridge yet; "
                        + "the portal answers 503 until it does");
                return;
            }
            Thread.sleep(50);
        }
    }
}
