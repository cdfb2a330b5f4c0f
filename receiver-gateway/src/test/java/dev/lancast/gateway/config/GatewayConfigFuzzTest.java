package dev.lancast.gateway.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lancast.rtc.config.ConfigException;
import dev.lancast.rtc.config.ConfigLoader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;

/**
 * Any gateway config file: it loads, or ConfigException names file:line:column; a config that
 * loads gives the catalog poller URLs it can request. Seeds: GatewayConfigFuzzTestInputs/yaml.
 */
@Tag("long")
class GatewayConfigFuzzTest {
    private static final Pattern WHERE = Pattern.compile("gateway\\.yaml:(\\d+|\\?):(\\d+|\\?): .+", Pattern.DOTALL);
    private final ConfigLoader loader = new ConfigLoader();

    @FuzzTest
    void yaml(byte[] file) {
        GatewayConfig config;
        try {
            config = loader.parse("gateway.yaml", new String(file, StandardCharsets.UTF_8), GatewayConfig.class);
        } catch (ConfigException e) {
            assertTrue(WHERE.matcher(e.getMessage()).matches(), () -> "no file:line:col: " + e.getMessage());
            return;
        }
        URI.create(config.bridgeUrl() + "/api/streams");
        URI.create(config.bridgeUrl() + "/api/keys");
    }
}
