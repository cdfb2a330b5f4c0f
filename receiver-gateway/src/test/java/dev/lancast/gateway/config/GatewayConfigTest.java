package dev.lancast.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.config.ConfigException;
import dev.lancast.rtc.config.ConfigLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {
    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void theDocumentedExampleIsRefusedForItsPublishedTokenAndLoadsWithAFreshOne() throws Exception {
        Path example = Path.of("../docs/examples/gateway.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(example, GatewayConfig.class));
        assertTrue(
                e.getMessage()
                        .startsWith("../docs/examples/gateway.yaml:6:1: bridgeToken: bridgeToken 'REPL…' is an "
                                + "example published in lancast's documentation"),
                e.getMessage());
        String fresh = java.nio.file.Files.readString(example)
                .replaceAll("REPLACE-ME-[A-Za-z0-9-]+", "5f1e0c2a9b8d7e6f5a4b3c2d1e0f9a8b");
        GatewayConfig config = loader.parse("gateway.yaml", fresh, GatewayConfig.class);
        assertEquals(null, config.bridgeUrl(), "found on mDNS");
        assertEquals("gw-building-a", config.discovery().name());
    }

    /** N2: the token never goes to a plain-HTTP bridge unless a lab says so. */
    @Test
    void aPlainHttpBridgeUrlWithATokenNeedsTheLabOptIn() throws ConfigException {
        String yaml = """
                media: { listen: 127.0.0.1:10001 }
                bridgeUrl: http://192.0.2.10:8080
                bridgeToken: gateway-token-0123456789
                multicast: { interface: lo }
                """;
        ConfigException e =
                assertThrows(ConfigException.class, () -> loader.parse("g.yaml", yaml, GatewayConfig.class));
        assertTrue(
                e.getMessage()
                        .startsWith("g.yaml:2:1: bridgeUrl: is plain HTTP: this gateway's token would cross "
                                + "the network in clear every second"),
                e.getMessage());
        assertTrue(
                e.getMessage().contains("https://HOST:8443") && e.getMessage().contains("allowPlainCredentials: true"),
                e.getMessage());
        GatewayConfig lab = loader.parse("g.yaml", yaml + "allowPlainCredentials: true\n", GatewayConfig.class);
        assertEquals("http://192.0.2.10:8080", lab.bridgeUrl());
        ConfigException misplaced = assertThrows(
                ConfigException.class,
                () -> loader.parse(
                        "g.yaml",
                        yaml.replace("bridgeUrl: http://", "bridgeUrl: https://")
                                + "http: { allowPlainCredentials: true }\n",
                        GatewayConfig.class));
        assertTrue(
                misplaced.getMessage().contains("http.allowPlainCredentials: is a bridge setting"),
                misplaced.getMessage());
    }

    @Test
    void aShortOrPublishedBridgeTokenIsRefused() {
        String yaml = """
                media: { listen: 127.0.0.1:10001 }
                bridgeToken: %s
                multicast: { interface: lo }
                """;
        assertTrue(assertThrows(
                        ConfigException.class,
                        () -> loader.parse("g.yaml", yaml.formatted("short-token"), GatewayConfig.class))
                .getMessage()
                .startsWith("g.yaml:2:1: bridgeToken: bridgeToken is 11 characters"));
        assertTrue(assertThrows(
                        ConfigException.class,
                        () -> loader.parse(
                                "g.yaml", yaml.formatted("9c1f0a7e3b5d42c8a6e0f1d2b3c4a5e6"), GatewayConfig.class))
                .getMessage()
                .contains("is an example published in lancast's documentation"));
    }

    /** Found by GatewayConfigFuzzTest: the file loaded and the gateway then failed to start on the URL. */
    @Test
    void aBridgeUrlThatIsNoUrlIsAConfigError() {
        String yaml = """
                media: { listen: 127.0.0.1:10001 }
                bridgeUrl: https://12>.0.0.1:8080/
                bridgeToken: gateway-token-0123456789
                multicast: { interface: lo }
                """;
        ConfigException e =
                assertThrows(ConfigException.class, () -> loader.parse("g.yaml", yaml, GatewayConfig.class));
        assertEquals(
                "g.yaml:5:1: (top): bridgeUrl is not a URL: Illegal character in authority at index 8: "
                        + "https://12>.0.0.1:8080",
                e.getMessage());
    }

    @Test
    void mediaThreadsDefaultsToTheCoresAndOutOfRangeIsAConfigError() throws ConfigException {
        String base = """
                media: { listen: 127.0.0.1:10001%s }
                bridgeToken: gateway-token-0123456789
                multicast: { interface: lo }
                """;
        GatewayConfig defaults = loader.parse("g.yaml", base.formatted(""), GatewayConfig.class);
        assertEquals(
                Runtime.getRuntime().availableProcessors(), defaults.media().effectiveThreads());
        assertEquals(
                3,
                loader.parse("g.yaml", base.formatted(", threads: 3"), GatewayConfig.class)
                        .media()
                        .effectiveThreads());
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> loader.parse("g.yaml", base.formatted(", threads: 999"), GatewayConfig.class));
        assertEquals(
                "g.yaml:1:1: media: media.threads must be between 1 and 256 (or 0 for one per core), not 999",
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
        GatewayConfig withUrl =
                loader.parse("g.yaml", base.formatted("bridgeUrl: https://127.0.0.1:8443"), GatewayConfig.class);
        assertEquals(false, withUrl.discovery().mdns());
        GatewayConfig withHostName = loader.parse(
                "g.yaml",
                base.formatted("bridgeUrl: https://127.0.0.1:8443\ndiscovery: { hostName: live }"),
                GatewayConfig.class);
        assertEquals(true, withHostName.discovery().mdns());
        GatewayConfig withoutUrl = loader.parse("g.yaml", base.formatted(""), GatewayConfig.class);
        assertEquals(true, withoutUrl.discovery().mdns());
        GatewayConfig asked = loader.parse(
                "g.yaml",
                base.formatted("bridgeUrl: https://127.0.0.1:8443\ndiscovery: { mdns: true }"),
                GatewayConfig.class);
        assertEquals(true, asked.discovery().mdns());
    }
}
