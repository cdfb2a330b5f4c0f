package dev.lancast.bridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lancast.rtc.config.ConfigException;
import dev.lancast.rtc.config.ConfigLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BridgeConfigTest {
    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void theDocumentedExampleLoads() throws ConfigException {
        BridgeConfig config = loader.load(Path.of("../docs/examples/bridge.yaml"), BridgeConfig.class);
        assertEquals("eth1", config.multicast().iface());
        assertEquals(34, config.stream("main").video().dscp() == null ? 34 : config.stream("main").video().dscp());
        assertEquals(46, config.stream("main").audio().dscp());
        assertEquals(2_500_000, config.stream("main").maxBitrate());
    }

    @Test
    void aUnicastGroupIsRejectedWithItsPath() {
        String yaml = """
                media: { listen: 127.0.0.1:10000 }
                feedback: 127.0.0.1:10002
                multicast: { interface: lo }
                keys: { gatewayTokens: [gateway-token-0123456789] }
                streams:
                  - name: main
                    tokens: [t]
                    video: { group: 10.1.2.3, port: 5004 }
                    audio: { group: 239.255.0.1, port: 5006 }
                """;
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("b.yaml", yaml, BridgeConfig.class));
        assertEquals("b.yaml:8:5: streams[0].video: 10.1.2.3 is not a multicast address (use 239.255.0.0/16)",
                e.getMessage());
    }

    @Test
    void twoTracksOnOneGroupAndPortAreRejected() {
        String yaml = """
                media: { listen: 127.0.0.1:10000 }
                feedback: 127.0.0.1:10002
                multicast: { interface: lo }
                keys: { gatewayTokens: [gateway-token-0123456789] }
                streams:
                  - name: main
                    tokens: [t]
                    video: { group: 239.255.0.1, port: 5004 }
                    audio: { group: 239.255.0.1, port: 5004 }
                """;
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("b.yaml", yaml, BridgeConfig.class));
        assertEquals(true, e.getMessage().endsWith(
                "(top): stream 'main': 239.255.0.1:5004 is already used by another track"), e.getMessage());
    }

    private static final String STREAMS_HEAD = """
            media: { listen: 127.0.0.1:10000 }
            feedback: 127.0.0.1:10002
            multicast: { interface: lo }
            keys: { gatewayTokens: [gateway-token-0123456789] }
            streams:
              - name: main
                tokens: [t]
                video: { group: 239.255.0.1, port: 5004 }
                audio: { group: 239.255.0.1, port: 5006 }
            """;

    @Test
    void theExampleViewerPolicyAndLimitsLoad() throws ConfigException {
        BridgeConfig config = loader.load(Path.of("../docs/examples/bridge.yaml"), BridgeConfig.class);
        assertEquals(java.util.List.of("198.18.1.0/24"), config.stream("staff").viewers().subnets());
        assertEquals(null, config.stream("main").viewers(), "open unless configured");
        assertEquals(dev.lancast.rtc.config.LimitSettings.defaults(), config.limits());
    }

    @Test
    void aViewerSubnetWithHostBitsIsRejectedWithItsPath() {
        String yaml = STREAMS_HEAD + "    viewers: { subnets: [198.18.1.1/24] }\n";
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("b.yaml", yaml, BridgeConfig.class));
        assertEquals("b.yaml:10:5: streams[0].viewers: '198.18.1.1/24' has host bits set; did you mean 198.18.1.0/24?",
                e.getMessage());
    }

    @Test
    void aShortViewerTokenIsRejected() {
        String yaml = STREAMS_HEAD + "    viewers: { tokens: [letmein] }\n";
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("b.yaml", yaml, BridgeConfig.class));
        assertEquals("b.yaml:10:5: streams[0].viewers: viewer tokens must be at least 16 characters (openssl rand -hex 16)",
                e.getMessage());
    }

    /** Issue 22 (N8): the other pages that may play a restricted stream, as browsers send their Origin. */
    @Test
    void viewerOriginsAreOriginsOrAStar() throws ConfigException {
        String ok = STREAMS_HEAD + "    viewers: { subnets: [198.18.1.0/24], origins: ['https://intranet.example', 'http://[fd00::1]:8080', '*'] }\n";
        assertEquals(java.util.List.of("https://intranet.example", "http://[fd00::1]:8080", "*"),
                loader.parse("b.yaml", ok, BridgeConfig.class).stream("main").viewers().origins());
        String path = STREAMS_HEAD + "    viewers: { subnets: [198.18.1.0/24], origins: ['https://intranet.example/'] }\n";
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("b.yaml", path, BridgeConfig.class));
        assertEquals("b.yaml:10:5: streams[0].viewers: origins: 'https://intranet.example/' is not an origin "
                + "(scheme://host[:port], no path or trailing slash, e.g. https://intranet.example) or *", e.getMessage());
    }

    @Test
    void inconsistentLimitsAreRejected() {
        String yaml = STREAMS_HEAD + "limits: { maxSessions: 4, maxSessionsPerAddress: 5 }\n";
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("b.yaml", yaml, BridgeConfig.class));
        assertEquals("b.yaml:10:1: limits: maxSessionsPerAddress (5) cannot exceed maxSessions (4)", e.getMessage());
    }

    @Test
    void aShortAdminTokenIsRejectedWithItsPath() {
        String yaml = STREAMS_HEAD + "admin: { tokens: [secret] }\n";
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("b.yaml", yaml, BridgeConfig.class));
        assertEquals("b.yaml:10:1: admin: admin tokens must be at least 16 characters (openssl rand -hex 16)",
                e.getMessage());
    }

    @Test
    void theExampleAdminTokensLoadAndNoneMeansLoopbackOnly() throws ConfigException {
        BridgeConfig example = loader.load(Path.of("../docs/examples/bridge.yaml"), BridgeConfig.class);
        assertEquals(1, example.admin().tokens().size());
        assertEquals(java.util.List.of(), loader.parse("b.yaml", STREAMS_HEAD, BridgeConfig.class).admin().tokens());
    }
}
