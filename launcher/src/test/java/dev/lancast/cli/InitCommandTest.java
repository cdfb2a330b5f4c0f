package dev.lancast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.rtc.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `lancast init`: configs that load, with fresh 128-bit tokens, owner-only, never overwritten. */
class InitCommandTest {
    @TempDir
    Path dir;

    @Test
    void initWritesConfigsThatLoadWithFreshTokensDifferentEachTime() throws Exception {
        List<Set<String>> runs = new ArrayList<>();
        for (String run : List.of("a", "b")) {
            Path at = dir.resolve(run);
            assertEquals(
                    0,
                    new CommandLine(new Lancast())
                            .execute(
                                    "init",
                                    "bridge",
                                    "--dir",
                                    at.toString(),
                                    "--gateway",
                                    "gw-1",
                                    "--gateway",
                                    "gw-2"));
            Path bridgeFile = at.resolve("bridge.yaml");
            Path gatewayFile = at.resolve("gateway.yaml");
            assertEquals(bridgeFile + ": ok (bridge, 1 stream(s))", ConfigCommand.check(bridgeFile, false));
            assertEquals(
                    gatewayFile + ": ok (gateway, bridge https://127.0.0.1:8443)",
                    ConfigCommand.check(gatewayFile, false));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(bridgeFile)));
            BridgeConfig bridge = new ConfigLoader().load(bridgeFile, BridgeConfig.class);
            GatewayConfig gateway = new ConfigLoader().load(gatewayFile, GatewayConfig.class);
            assertEquals(Set.of("gw-1", "gw-2"), bridge.keys().gatewayTokens().names());
            assertEquals(bridge.keys().gatewayTokens().tokenOf("gw-1"), gateway.bridgeToken());
            assertEquals("gw-1", gateway.discovery().name());
            Set<String> tokens =
                    new java.util.HashSet<>(bridge.keys().gatewayTokens().tokens());
            tokens.addAll(bridge.stream("main").tokens());
            tokens.addAll(bridge.keys().adminTokens());
            tokens.addAll(bridge.admin().tokens());
            assertEquals(5, tokens.size(), "every token its own");
            for (String t : tokens) {
                assertTrue(t.matches("[0-9a-f]{32}"), t);
            }
            runs.add(tokens);
        }
        Set<String> both = new java.util.HashSet<>(runs.get(0));
        both.retainAll(runs.get(1));
        assertEquals(Set.of(), both, "no token shared by two inits");
        assertNotEquals(runs.get(0), runs.get(1));
    }

    @Test
    void initNeverOverwritesAConfig() throws Exception {
        Path existing = dir.resolve("bridge.yaml");
        Files.writeString(existing, "mine\n");
        assertEquals(1, new CommandLine(new Lancast()).execute("init", "bridge", "--dir", dir.toString()));
        assertEquals("mine\n", Files.readString(existing));
        assertTrue(Files.notExists(dir.resolve("gateway.yaml")));
    }

    @Test
    void initGatewayWritesTheConfigTheBridgesLinePrints() throws Exception {
        String token = "0123456789abcdef0123456789abcdef";
        assertEquals(
                0,
                new CommandLine(new Lancast())
                        .execute("init", "gateway", "--dir", dir.toString(), "--name", "gw-2", "--token", token));
        GatewayConfig gateway = new ConfigLoader().load(dir.resolve("gateway.yaml"), GatewayConfig.class);
        assertEquals(token, gateway.bridgeToken());
        assertEquals(null, gateway.bridgeUrl(), "found on mDNS");
        assertEquals("gw-2", gateway.discovery().name());
    }
}
