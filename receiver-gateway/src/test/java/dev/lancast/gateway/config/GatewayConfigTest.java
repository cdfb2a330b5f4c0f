package dev.lancast.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lancast.rtc.config.ConfigException;
import dev.lancast.rtc.config.ConfigLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {
    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void theDocumentedExampleLoads() throws ConfigException {
        GatewayConfig config = loader.load(Path.of("../docs/examples/gateway.yaml"), GatewayConfig.class);
        assertEquals("http://192.0.2.10:8080", config.bridgeUrl());
    }

    /** Found by GatewayConfigFuzzTest: the file loaded and the gateway then failed to start on the URL. */
    @Test
    void aBridgeUrlThatIsNoUrlIsAConfigError() {
        String yaml = """
                media: { listen: 127.0.0.1:10001 }
                bridgeUrl: http://12>.0.0.1:8080/
                bridgeToken: gateway-token-0123456789
                multicast: { interface: lo }
                """;
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("g.yaml", yaml, GatewayConfig.class));
        assertEquals("g.yaml:5:1: (top): bridgeUrl is not a URL: Illegal character in authority at index 7: "
                + "http://12>.0.0.1:8080", e.getMessage());
    }

    @Test
    void mediaThreadsDefaultsToTheCoresAndOutOfRangeIsAConfigError() throws ConfigException {
        String base = """
                media: { listen: 127.0.0.1:10001%s }
                bridgeToken: gateway-token-0123456789
                multicast: { interface: lo }
                """;
        GatewayConfig defaults = loader.parse("g.yaml", base.formatted(""), GatewayConfig.class);
        assertEquals(Runtime.getRuntime().availableProcessors(), defaults.media().effectiveThreads());
        assertEquals(3, loader.parse("g.yaml", base.formatted(", threads: 3"), GatewayConfig.class).media().effectiveThreads());
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.parse("g.yaml", base.formatted(", threads: 999"), GatewayConfig.class));
        assertEquals("g.yaml:1:1: media: media.threads must be between 1 and 256 (or 0 for one per core), not 999",
                e.getMessage());
    }

    /** Issue 22 (N10): mDNS was on by default even on a gateway that knows its bridge's URL. */
    @Test
    void mdnsIsOffByDefaultWithABridgeUrlUnlessAHostNameAsksForIt() throws ConfigException {
        String base = """
                media: { listen: 127.0.0.1:10001 }
                bridgeToken: gateway-token-0123456789
                multicast: { interface: lo }
                %s
                """;
        GatewayConfig withUrl = loader.parse("g.yaml", base.formatted("bridgeUrl: http://127.0.0.1:8080"), GatewayConfig.class);
        assertEquals(false, withUrl.discovery().mdns());
        GatewayConfig withHostName = loader.parse("g.yaml",
                base.formatted("bridgeUrl: http://127.0.0.1:8080\ndiscovery: { hostName: live }"), GatewayConfig.class);
        assertEquals(true, withHostName.discovery().mdns());
        GatewayConfig withoutUrl = loader.parse("g.yaml", base.formatted(""), GatewayConfig.class);
        assertEquals(true, withoutUrl.discovery().mdns());
        GatewayConfig asked = loader.parse("g.yaml",
                base.formatted("bridgeUrl: http://127.0.0.1:8080\ndiscovery: { mdns: true }"), GatewayConfig.class);
        assertEquals(true, asked.discovery().mdns());
    }
}
