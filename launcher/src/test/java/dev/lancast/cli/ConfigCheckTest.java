package dev.lancast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** `lancast config check`: the documented examples pass; broken files say file:line:column and path. */
class ConfigCheckTest {
    private static final String BRIDGE = """
            media: { listen: 127.0.0.1:10000 }
            feedback: 127.0.0.1:10002
            multicast:
              interface: lo
            keys: { gatewayTokens: [gateway-token-0123456789] }
            streams:
              - name: main
                tokens: [secret]
                video: { group: 239.255.1.1, port: 5004 }
                audio: { group: 239.255.1.1, port: 5006 }
            """;

    @TempDir
    Path dir;

    @Test
    void everyExampleConfigPasses() throws Exception {
        List<Path> examples;
        try (Stream<Path> files = Files.list(Path.of("../docs/examples"))) {
            examples = files.filter(p -> p.toString().endsWith(".yaml")).toList();
        }
        assertTrue(examples.size() >= 2, "examples: " + examples);
        for (Path example : examples) {
            assertTrue(ConfigCommand.check(example, true).endsWith(")"), example.toString());
        }
    }

    @Test
    void aGoodFileOnThisHost() throws Exception {
        Path file = write("bridge.yaml", BRIDGE);
        assertEquals(file + ": ok (bridge, 1 stream(s))", ConfigCommand.check(file, false));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown key|tokns: [secret]|8:5: streams[0].tokns: unknown key 'tokns' (known: name, tokens, maxBitrate, video, audio, ttl, interface, ssm, keyframeIntervalMs, viewers)",
        "non-multicast group|video: { group: 10.0.0.1, port: 5004 }|9:5: streams[0].video: 10.0.0.1 is not a multicast address",
        "port out of range|video: { group: 239.255.1.1, port: 70000 }|9:5: streams[0].video: port must be 1..65535, got 70000",
        "wrong type|maxBitrate: fast|9:5: streams[0].maxBitrate: Cannot deserialize value of type `long`",
        "bad stream name|- name: main@stream|7:5: streams[0]: stream name must be 1..64 of A-Z a-z 0-9 _ -",
        "port clash|audio: { group: 239.255.1.1, port: 5004 }|11:1: (top): stream 'main': 239.255.1.1:5004 is already used",
    })
    void brokenConfigsNameTheirPlace(String what, String replacement, String expected) throws IOException {
        String line = (what.equals("bad stream name") ? "  " : "    ") + replacement;
        String yaml = switch (what) {
            case "unknown key" -> BRIDGE.replace("    tokens: [secret]", line);
            case "non-multicast group", "port out of range" -> BRIDGE.replace("    video: { group: 239.255.1.1, port: 5004 }", line);
            case "wrong type" -> BRIDGE.replace("    video: { group: 239.255.1.1, port: 5004 }",
                    line + "\n    video: { group: 239.255.1.1, port: 5004 }");
            case "bad stream name" -> BRIDGE.replace("  - name: main", line);
            default -> BRIDGE.replace("    audio: { group: 239.255.1.1, port: 5006 }", line);
        };
        Path file = write("bridge.yaml", yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCommand.check(file, true));
        assertTrue(e.getMessage().startsWith(file + ":" + expected), e.getMessage());
    }

    @Test
    void anInterfaceThatDoesNotExistIsReportedWithItsLine() throws Exception {
        Path file = write("bridge.yaml", BRIDGE.replace("interface: lo", "interface: nosuch0"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCommand.check(file, false));
        assertEquals(file + ":4:3: multicast.interface: interface 'nosuch0' does not exist on this host", e.getMessage());
        assertTrue(ConfigCommand.check(file, true).contains("ok"), "offline checks skip the host");
    }

    @Test
    void aStreamsOwnInterfaceIsCheckedToo() throws IOException {
        Path file = write("bridge.yaml", BRIDGE.replace("    tokens: [secret]", "    tokens: [secret]\n    interface: nosuch1"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCommand.check(file, false));
        assertEquals(file + ":9:5: streams[0].interface: interface 'nosuch1' does not exist on this host", e.getMessage());
    }

    @Test
    void aBadLogLevelIsRefused() throws IOException {
        Path file = write("bridge.yaml", BRIDGE + "logging: { level: loud }\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCommand.check(file, true));
        assertTrue(e.getMessage().startsWith(file + ":11:1: logging: level must be one of"), e.getMessage());
    }

    @Test
    void aFileOfNeitherKindIsRefused() throws IOException {
        Path file = write("x.yaml", "http: { listen: 127.0.0.1:1 }\n");
        assertEquals(file + ": neither a bridge config (no 'streams') nor a gateway config (no 'bridgeUrl')",
                assertThrows(ConfigException.class, () -> ConfigCommand.check(file, true)).getMessage());
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
