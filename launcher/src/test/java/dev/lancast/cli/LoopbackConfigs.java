package dev.lancast.cli;

import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.bridge.config.StreamConfig;
import dev.lancast.bridge.config.TrackGroup;
import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.rtc.config.HostPort;
import dev.lancast.rtc.config.HttpSettings;
import dev.lancast.rtc.config.LimitSettings;
import dev.lancast.rtc.config.MediaSettings;
import dev.lancast.rtc.config.TlsSettings;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bridge and gateway configs for in-process tests, everything on 127.0.0.1 and lo: HTTP on a free
 * port, UDP ports from {@code base} (bridge media +0, gateway media +1, feedback +2).
 */
final class LoopbackConfigs {
    static final BridgeConfig.DiscoverySettings BRIDGE_NO_MDNS = new BridgeConfig.DiscoverySettings(null, null, false);
    static final GatewayConfig.DiscoverySettings GATEWAY_NO_MDNS =
            new GatewayConfig.DiscoverySettings(null, null, false, null, null, null, 0, null);
    /** The WHIP token of {@link #stream}'s streams. */
    static final String WHIP_TOKEN = "whip-token-for-tests-0123";
    /** The name a gateway on lo has by default (gw- and lo's address), which its token is bound to. */
    static final String LOOPBACK_GATEWAY = "gw-127-0-0-1";

    private LoopbackConfigs() {}

    /** A random UDP port base, so that tests running at once rarely meet (each uses base..base+7). */
    static int randomBase() {
        return 20000 + 8 * ThreadLocalRandom.current().nextInt(4000);
    }

    /** A random group in 239.255.0.0/16. */
    static String randomGroup() {
        return "239.255." + ThreadLocalRandom.current().nextInt(1, 255) + "."
                + ThreadLocalRandom.current().nextInt(1, 255);
    }

    /** A bridge with one stream "main" on {@code group} and one gateway token, without mDNS. */
    static BridgeConfig singleStreamBridge(int base, String gatewayToken, String group) {
        return bridge(base, keys(gatewayToken), List.of(stream("main", group, base + 4)), BRIDGE_NO_MDNS);
    }

    /** Key settings with one gateway token, bound to the loopback gateway's default name. */
    static BridgeConfig.KeySettings keys(String gatewayToken) {
        return keys(gatewayToken, List.of());
    }

    static BridgeConfig.KeySettings keys(String gatewayToken, List<String> adminTokens) {
        return new BridgeConfig.KeySettings(0, Map.of(LOOPBACK_GATEWAY, gatewayToken), adminTokens);
    }

    /** The gateway config {@code loopback} with other media and limit settings. */
    static GatewayConfig withMediaAndLimits(GatewayConfig loopback, MediaSettings media, LimitSettings limits) {
        return new GatewayConfig(
                loopback.http(),
                media,
                loopback.bridgeUrl(),
                loopback.bridgeToken(),
                loopback.multicast(),
                null,
                null,
                limits,
                loopback.discovery(),
                loopback.allowPlainCredentials());
    }

    /** A stream with {@link #WHIP_TOKEN}, video on {@code port} and audio on {@code port + 2} of the group. */
    static StreamConfig stream(String name, String group, int port) {
        return StreamConfig.of(
                name, List.of(WHIP_TOKEN), 0, new TrackGroup(group, port, null), new TrackGroup(group, port + 2, null));
    }

    static BridgeConfig bridge(
            int base,
            BridgeConfig.KeySettings keys,
            List<StreamConfig> streams,
            BridgeConfig.DiscoverySettings discovery) {
        return bridge(base, null, keys, streams, discovery);
    }

    /**
     * @param tls the bridge's HTTPS (on a free port, besides plain HTTP), or null for plain HTTP only,
     *            which then serves keys and registrations too (allowPlainCredentials: a test on loopback)
     */
    static BridgeConfig bridge(
            int base,
            TlsSettings tls,
            BridgeConfig.KeySettings keys,
            List<StreamConfig> streams,
            BridgeConfig.DiscoverySettings discovery) {
        return new BridgeConfig(
                new HttpSettings(new HostPort("127.0.0.1", 0), 0, 0, tls, null, tls == null),
                new MediaSettings(new HostPort("127.0.0.1", base), null, 0),
                new HostPort("127.0.0.1", base + 2),
                new BridgeConfig.MulticastSettings("lo", 1),
                keys,
                streams,
                null,
                null,
                discovery);
    }

    /** @param bridgeUrl null: the gateway finds the bridge on mDNS */
    static GatewayConfig gateway(
            int base, String bridgeUrl, String bridgeToken, GatewayConfig.DiscoverySettings discovery) {
        return gateway(base, bridgeUrl, bridgeToken, null, discovery);
    }

    /**
     * @param bridgeTls how the gateway trusts the bridge's HTTPS (null: by the bridge's proof of its token);
     *                  an http:// bridgeUrl gets allowPlainCredentials (a test on loopback)
     */
    static GatewayConfig gateway(
            int base,
            String bridgeUrl,
            String bridgeToken,
            GatewayConfig.BridgeTls bridgeTls,
            GatewayConfig.DiscoverySettings discovery) {
        return new GatewayConfig(
                new HttpSettings(new HostPort("127.0.0.1", 0), 0, 0),
                new MediaSettings(new HostPort("127.0.0.1", base + 1), null, 0),
                bridgeUrl,
                bridgeToken,
                new GatewayConfig.MulticastSettings("lo"),
                null,
                bridgeTls,
                null,
                discovery,
                bridgeUrl != null && bridgeUrl.startsWith("http://"));
    }
}
