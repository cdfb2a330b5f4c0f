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
}
