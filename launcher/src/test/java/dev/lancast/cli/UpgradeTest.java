package dev.lancast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config of the previous version (docs/examples of 0.1, which every 0.1 .deb installed as is)
 * is refused one change at a time, each time with the file, line and field and what to write: an
 * admin who follows the messages ends with a config that loads.
 */
class UpgradeTest {
    @TempDir
    Path dir;

    private Path old(String name) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, Files.readString(Path.of("src/test/resources/upgrade/0.1/" + name)));
        return file;
    }

    private static String refusal(Path file) {
        return assertThrows(ConfigException.class, () -> ConfigCommand.check(file, true))
                .getMessage();
    }

    @Test
    void anOldBridgeConfigSaysWhatToChangeStepByStep() throws Exception {
        Path file = old("bridge.yaml");
        String first = refusal(file);
        assertTrue(
                first.startsWith(
                        file + ":19:3: keys.gatewayTokens: is now a map from each gateway's name to its " + "token"),
                first);
        assertTrue(first.contains("write `gatewayTokens: { gw-NAME: TOKEN }`"), first);

        Files.writeString(
                file,
                Files.readString(file)
                        .replace(
                                "  gatewayTokens:                # one per gateway: openssl rand -hex 16\n"
                                        + "    - 9c1f0a7e3b5d42c8a6e0f1d2b3c4a5e6",
                                "  gatewayTokens:\n    gw-building-a: 9c1f0a7e3b5d42c8a6e0f1d2b3c4a5e6"));
        String second = refusal(file);
        assertTrue(
                second.startsWith(file + ":20:5: keys.gatewayTokens.gw-building-a: gateway gw-building-a's token "
                        + "'9c1f…' is an example published in lancast's documentation, so anyone may hold it: make one with "
                        + "`openssl rand -hex 16`"),
                second);

        String text = Files.readString(file);
        for (String published : dev.lancast.rtc.config.Tokens.published()) {
            text = text.replace(published, fresh(published));
        }
        Files.writeString(file, text);
        assertEquals(file + ": ok (bridge, 2 stream(s))", ConfigCommand.check(file, true));
    }

    @Test
    void anOldGatewayConfigSaysWhatToChangeStepByStep() throws Exception {
        Path file = old("gateway.yaml");
        String first = refusal(file);
        assertTrue(first.startsWith(file + ":8:1: bridgeToken: bridgeToken '9c1f…' is an example published"), first);

        Files.writeString(file, Files.readString(file).replace("9c1f0a7e3b5d42c8a6e0f1d2b3c4a5e6", fresh("gw")));
        String second = refusal(file);
        assertTrue(
                second.startsWith(file + ":6:1: bridgeUrl: is plain HTTP: this gateway's token would cross the "
                        + "network in clear every second"),
                second);
        assertTrue(second.contains("https://HOST:8443") && second.contains("allowPlainCredentials: true"), second);

        Files.writeString(
                file,
                Files.readString(file)
                        .replace("bridgeUrl: http://192.0.2.10:8080", "bridgeUrl: https://192.0.2.10:8443"));
        assertEquals(file + ": ok (gateway, bridge https://192.0.2.10:8443)", ConfigCommand.check(file, true));
    }

    /** A stand-in for a token an admin made: 32 hex digits, different for each input. */
    private static String fresh(String seed) {
        return String.format(
                "%032x",
                new java.math.BigInteger(1, seed.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .xor(new java.math.BigInteger("5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a", 16))
                        .mod(java.math.BigInteger.TWO.pow(128)));
    }
}
