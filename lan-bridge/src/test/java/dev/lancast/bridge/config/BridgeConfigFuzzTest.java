package dev.lancast.bridge.config;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lancast.rtc.config.ConfigException;
import dev.lancast.rtc.config.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;

/**
 * Any bridge config file: it loads, or ConfigException names file:line:column; a config that
 * loads has every stream findable by its name. Seeds: BridgeConfigFuzzTestInputs/yaml.
 */
@Tag("long")
class BridgeConfigFuzzTest {
    private static final Pattern WHERE = Pattern.compile("bridge\\.yaml:(\\d+|\\?):(\\d+|\\?): .+", Pattern.DOTALL);
    private final ConfigLoader loader = new ConfigLoader();

    @FuzzTest
    void yaml(byte[] file) {
        BridgeConfig config;
        try {
            config = loader.parse("bridge.yaml", new String(file, StandardCharsets.UTF_8), BridgeConfig.class);
        } catch (ConfigException e) {
            assertTrue(WHERE.matcher(e.getMessage()).matches(), () -> "no file:line:col: " + e.getMessage());
            return;
        }
        for (StreamConfig s : config.streams()) {
            assertNotNull(config.stream(s.name()));
        }
    }
}
