package dev.lancast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.config.ConfigException;
import dev.lancast.rtc.tls.TestPki;
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
            stateDirectory: /tmp/lancast-config-check-test
            media: { listen: 127.0.0.1:10000 }
            feedback: 127.0.0.1:10002
            multicast:
              interface: lo
            keys: { gatewayTokens: { gw-1: gateway-token-0123456789 } }
            streams:
              - name: main
                tokens: [whip-token-0123456789]
                video: { group: 239.255.1.1, port: 5004 }
                audio: { group: 239.255.1.1, port: 5006 }
            """;

    @TempDir
    Path dir;

    /** The examples' tokens are published: refused where they are; with fresh ones the examples pass. */
    @Test
    void everyExampleConfigIsRefusedForItsTokensAndPassesWithFreshOnes() throws Exception {
        List<Path> examples;
        try (Stream<Path> files = Files.list(Path.of("../docs/examples"))) {
            examples = files.filter(p -> p.toString().endsWith(".yaml")).toList();
        }
        assertTrue(examples.size() >= 2, "examples: " + examples);
        for (Path example : examples) {
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigCommand.check(example, true));
            assertTrue(
                    e.getMessage()
                            .matches("\\Q" + example + "\\E:\\d+:\\d+: [^:]+: .*is an example published in "
                                    + "lancast's documentation.*"),
                    e.getMessage());
            Path fresh = write(
                    example.getFileName().toString(),
                    Files.readString(example)
                            .replaceAll("REPLACE-ME-[A-Za-z0-9-]+", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"));
            assertTrue(ConfigCommand.check(fresh, true).endsWith(")"), example.toString());
        }
    }

    @Test
    void aGoodFileOnThisHost() throws Exception {
        Path file = write("bridge.yaml", BRIDGE);
        assertEquals(file + ": ok (bridge, 1 stream(s))", ConfigCommand.check(file, false));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "unknown key|tokns: [secret]|9:5: streams[0].tokns: unknown key 'tokns' (known: name, tokens, maxBitrate, video, audio, ttl, interface, ssm, keyframeIntervalMs, viewers, layers)",
                "non-multicast group|video: { group: 10.0.0.1, port: 5004 }|10:5: streams[0].video: 10.0.0.1 is not a multicast address",
                "port out of range|video: { group: 239.255.1.1, port: 70000 }|10:5: streams[0].video: port must be 1..65535, got 70000",
                "wrong type|maxBitrate: fast|10:5: streams[0].maxBitrate: Cannot deserialize value of type `long`",
                "bad stream name|- name: main@stream|8:5: streams[0]: stream name must be 1..64 of A-Z a-z 0-9 _ -",
                "port clash|audio: { group: 239.255.1.1, port: 5004 }|12:1: (top): stream 'main': 239.255.1.1:5004 is already used",
            })
    void brokenConfigsNameTheirPlace(String what, String replacement, String expected) throws IOException {
        String line = (what.equals("bad stream name") ? "  " : "    ") + replacement;
        String yaml = switch (what) {
            case "unknown key" -> BRIDGE.replace("    tokens: [whip-token-0123456789]", line);
            case "non-multicast group", "port out of range" ->
                BRIDGE.replace("    video: { group: 239.255.1.1, port: 5004 }", line);
            case "wrong type" ->
                BRIDGE.replace(
                        "    video: { group: 239.255.1.1, port: 5004 }",
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
        assertEquals(
                file + ":5:3: multicast.interface: interface 'nosuch0' does not exist on this host", e.getMessage());
        assertTrue(ConfigCommand.check(file, true).contains("ok"), "offline checks skip the host");
    }

    @Test
    void aStreamsOwnInterfaceIsCheckedToo() throws IOException {
        Path file = write(
                "bridge.yaml",
                BRIDGE.replace(
                        "    tokens: [whip-token-0123456789]",
                        "    tokens: [whip-token-0123456789]\n    interface: nosuch1"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCommand.check(file, false));
        assertEquals(
                file + ":10:5: streams[0].interface: interface 'nosuch1' does not exist on this host", e.getMessage());
    }

    @Test
    void aBadLogLevelIsRefused() throws IOException {
        Path file = write("bridge.yaml", BRIDGE + "logging: { level: loud }\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCommand.check(file, true));
        assertTrue(e.getMessage().startsWith(file + ":12:1: logging: level must be one of"), e.getMessage());
    }

    @Test
    void aFileOfNeitherKindIsRefused() throws IOException {
        Path file = write("x.yaml", "http: { listen: 127.0.0.1:1 }\n");
        assertEquals(
                file
                        + ": neither a bridge config (no 'streams') nor a gateway config (no 'bridgeToken' or 'bridgeTls')",
                assertThrows(ConfigException.class, () -> ConfigCommand.check(file, true))
                        .getMessage());
    }

    @Test
    void tlsFilesAreCheckedWithTheLineOfTheirKey() throws Exception {
        TestPki ca = TestPki.ca("site");
        TestPki.Issued one = ca.issueServer(dir, "one");
        TestPki.Issued two = ca.issueServer(dir, "two");
        String tls = "http:\n  tls:\n    certificate: %s\n    privateKey: %s\n";
        Path missing = write("bridge.yaml", String.format(tls, dir.resolve("none.pem"), one.privateKey()) + BRIDGE);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCommand.check(missing, false));
        assertEquals(missing + ":3:5: http.tls.certificate: no such file: " + dir.resolve("none.pem"), e.getMessage());
        assertTrue(ConfigCommand.check(missing, true).contains("ok"), "offline checks skip the files");

        Path mismatch = write("bridge.yaml", String.format(tls, one.certificate(), two.privateKey()) + BRIDGE);
        e = assertThrows(ConfigException.class, () -> ConfigCommand.check(mismatch, false));
        assertEquals(
                mismatch + ":4:5: http.tls.privateKey: " + two.privateKey() + " is not the key of the certificate in "
                        + one.certificate() + " (CN=one)",
                e.getMessage());

        Path notPem = write(
                "bridge.yaml",
                String.format(
                                tls + "    clientCa: %s\n",
                                one.certificate(),
                                one.privateKey(),
                                write("ca.pem", "-----BEGIN CERTIFICATE-----\n@@@\n-----END CERTIFICATE-----\n"))
                        + BRIDGE);
        e = assertThrows(ConfigException.class, () -> ConfigCommand.check(notPem, false));
        assertTrue(
                e.getMessage()
                        .startsWith(
                                notPem + ":5:5: http.tls.clientCa: " + dir.resolve("ca.pem") + " is not valid PEM: "),
                e.getMessage());

        Path good = write(
                "bridge.yaml",
                String.format(tls + "    clientCa: %s\n", one.certificate(), one.privateKey(), ca.writeCa(dir))
                        + BRIDGE);
        assertEquals(good + ": ok (bridge, 1 stream(s))", ConfigCommand.check(good, false));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "redirect without tls|http: { plain: redirect }|1:1: http: plain: redirect needs tls (there is no HTTPS to redirect to)",
                "unknown plain mode|http: { plain: maybe, tls: { selfSigned: true } }|1:9: http.plain: plain must be serve, redirect or off, got 'maybe'",
                "tls without certificate|http: { tls: { listen: 127.0.0.1:8443 } }|1:9: http.tls: certificate and privateKey are required unless selfSigned: true",
                "half a pair|http: { tls: { certificate: /a.pem } }|1:9: http.tls: certificate and privateKey go together",
                "require without CA|http: { tls: { selfSigned: true, requireClientCertificate: true } }|1:9: http.tls: requireClientCertificate needs clientCa",
            })
    void badHttpSettingsNameTheirPlace(String what, String http, String expected) throws IOException {
        Path file = write("bridge.yaml", http + "\n" + BRIDGE);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCommand.check(file, true));
        assertTrue(e.getMessage().startsWith(file + ":" + expected), e.getMessage());
    }

    @Test
    void certificateOnlyGatewayAuthNeedsAClientCa() throws Exception {
        Path file = write(
                "bridge.yaml",
                "http: { tls: { selfSigned: true } }\n"
                        + BRIDGE.replace(
                                "keys: { gatewayTokens: { gw-1: gateway-token-0123456789 } }",
                                "keys: { gatewayAuth: certificate }"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCommand.check(file, true));
        assertTrue(
                e.getMessage()
                        .endsWith("(top): keys.gatewayAuth: certificate needs http.tls.clientCa "
                                + "(the CA that signs the gateways' client certificates)"),
                e.getMessage());
        Path ok = write(
                "bridge.yaml",
                "http: { tls: { selfSigned: true, clientCa: /etc/lancast/tls/gateways-ca.pem } }\n"
                        + BRIDGE.replace(
                                "keys: { gatewayTokens: { gw-1: gateway-token-0123456789 } }",
                                "keys: { gatewayAuth: certificate }"));
        assertTrue(ConfigCommand.check(ok, true).contains("ok"));
    }

    @Test
    void gatewayBridgeTlsIsChecked() throws Exception {
        String gateway = "media: { listen: 127.0.0.1:10001 }\nbridgeUrl: https://127.0.0.1:8443\n"
                + "multicast: { interface: lo }\n";
        Path noCredentials = write("gateway.yaml", gateway);
        assertTrue(
                assertThrows(ConfigException.class, () -> ConfigCommand.check(noCredentials, true))
                        .getMessage()
                        .contains(
                                "bridgeToken (one of the bridge's keys.gatewayTokens, 16+ characters) or bridgeTls.certificate"));

        Path badFingerprint = write(
                "gateway.yaml",
                gateway + "bridgeToken: gateway-token-0123456789\n" + "bridgeTls: { fingerprint: 'AB:CD' }\n");
        assertTrue(assertThrows(ConfigException.class, () -> ConfigCommand.check(badFingerprint, true))
                .getMessage()
                .startsWith(badFingerprint + ":5:1: bridgeTls: fingerprint must be a SHA-256 fingerprint"));

        TestPki.Issued client = TestPki.ca("gateways").issueClient(dir, "gateway-1");
        Path missingCa = write(
                "gateway.yaml",
                gateway + "bridgeTls:\n  ca: " + dir.resolve("bridge-ca.pem") + "\n  certificate: "
                        + client.certificate() + "\n  privateKey: " + client.privateKey() + "\n");
        assertEquals(
                missingCa + ":5:3: bridgeTls.ca: no such file: " + dir.resolve("bridge-ca.pem"),
                assertThrows(ConfigException.class, () -> ConfigCommand.check(missingCa, false))
                        .getMessage());

        Path good = write(
                "gateway.yaml",
                gateway + "bridgeTls:\n  ca: " + TestPki.ca("site").writeCa(dir) + "\n  certificate: "
                        + client.certificate() + "\n  privateKey: " + client.privateKey() + "\n");
        assertEquals(good + ": ok (gateway, bridge https://127.0.0.1:8443)", ConfigCommand.check(good, false));
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
