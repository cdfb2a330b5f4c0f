package dev.lancast.bridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.config.ConfigException;
import dev.lancast.rtc.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BridgeConfigTest {
    private static final Path EXAMPLE = Path.of("../docs/examples/bridge.yaml");
    private final ConfigLoader loader = new ConfigLoader();

    /** The documented example with each REPLACE-ME token replaced by a fresh one, as an admin would. */
    static String exampleWithFreshTokens() throws IOException {
        Matcher m = Pattern.compile("REPLACE-ME-[A-Za-z0-9-]+").matcher(Files.readString(EXAMPLE));
        StringBuilder out = new StringBuilder();
        SecureRandom random = new SecureRandom();
        while (m.find()) {
            byte[] token = new byte[16];
            random.nextBytes(token);
            m.appendReplacement(out, HexFormat.of().formatHex(token));
        }
        return m.appendTail(out).toString();
    }

    @Test
    void theDocumentedExampleIsRefusedForItsPublishedTokensWithLineAndField() {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(EXAMPLE, BridgeConfig.class));
        assertTrue(e.getMessage().startsWith("../docs/examples/bridge.yaml:25:"), e.getMessage());
        assertTrue(
                e.getMessage()
                        .contains("keys.gatewayTokens.gw-building-a: gateway gw-building-a's token 'REPL…' is "
                                + "an example published in lancast's documentation"),
                e.getMessage());
        assertTrue(e.getMessage().contains("openssl rand -hex 16"), e.getMessage());
    }

    @Test
    void theDocumentedExampleLoadsWithFreshTokens() throws Exception {
        BridgeConfig config = loader.parse("bridge.yaml", exampleWithFreshTokens(), BridgeConfig.class);
        assertEquals("eth1", config.multicast().iface());
        assertEquals(
                34,
                config.stream("main").video().dscp() == null
                        ? 34
                        : config.stream("main").video().dscp());
        assertEquals(46, config.stream("main").audio().dscp());
        assertEquals(2_500_000, config.stream("main").maxBitrate());
        assertEquals(List.of("198.18.1.0/24"), config.stream("staff").viewers().subnets());
        assertEquals(null, config.stream("main").viewers(), "open unless configured");
        assertEquals(dev.lancast.rtc.config.LimitSettings.defaults(), config.limits());
        assertEquals(1, config.admin().tokens().size());
        assertEquals(false, config.admin().loopback());
        // HTTPS by default, with the certificate kept in the state directory.
        assertEquals("192.0.2.10:8443", config.http().tls().listen().toString());
        assertTrue(config.http().tls().selfSigned());
        assertTrue(
                config.http().tls().certificate().endsWith("/bridge-cert.pem"),
                config.http().tls().certificate());
        assertEquals(
                java.util.Set.of("gw-building-a"), config.keys().gatewayTokens().names());
    }

    @Test
    void aUnicastGroupIsRejectedWithItsPath() {
        String yaml = """
                media: { listen: 127.0.0.1:10000 }
                feedback: 127.0.0.1:10002
                multicast: { interface: lo }
                keys: { gatewayTokens: { gw-a: gateway-token-0123456789 } }
                streams:
                  - name: main
                    tokens: [whip-token-0123456789]
                    video: { group: 10.1.2.3, port: 5004 }
                    audio: { group: 239.255.0.1, port: 5006 }
                """;
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("b.yaml", yaml, BridgeConfig.class));
        assertEquals(
                "b.yaml:8:5: streams[0].video: 10.1.2.3 is not a multicast address (use 239.255.0.0/16)",
                e.getMessage());
    }

    @Test
    void twoTracksOnOneGroupAndPortAreRejected() {
        String yaml = STREAMS_HEAD.replace("port: 5006", "port: 5004");
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("b.yaml", yaml, BridgeConfig.class));
        assertEquals(
                true,
                e.getMessage().endsWith("(top): stream 'main': 239.255.0.1:5004 is already used by another track"),
                e.getMessage());
    }

    private static final String STREAMS_HEAD = """
            media: { listen: 127.0.0.1:10000 }
            feedback: 127.0.0.1:10002
            multicast: { interface: lo }
            keys: { gatewayTokens: { gw-a: gateway-token-0123456789 } }
            streams:
              - name: main
                tokens: [whip-token-0123456789]
                video: { group: 239.255.0.1, port: 5004 }
                audio: { group: 239.255.0.1, port: 5006 }
            """;

    @Test
    void aViewerSubnetWithHostBitsIsRejectedWithItsPath() {
        String yaml = STREAMS_HEAD + "    viewers: { subnets: [198.18.1.1/24] }\n";
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("b.yaml", yaml, BridgeConfig.class));
        assertEquals(
                "b.yaml:10:5: streams[0].viewers: '198.18.1.1/24' has host bits set; did you mean 198.18.1.0/24?",
                e.getMessage());
    }

    @Test
    void everyKindOfTokenNeeds16CharactersAndTheErrorPointsAtIt() {
        String advice = " (make one with `openssl rand -hex 16`, or let `lancast init` write the config)";
        assertEquals(
                "b.yaml:10:50: streams[0].viewers.tokens[1]: viewer token is 7 characters; tokens need at least 16"
                        + advice,
                refusal(STREAMS_HEAD + "    viewers: { tokens: [viewer-token-0123456789, letmein] }\n"));
        assertEquals(
                "b.yaml:7:14: streams[0].tokens[0]: WHIP token is 3 characters; tokens need at least 16" + advice,
                refusal(STREAMS_HEAD.replace("whip-token-0123456789", "tok")));
        assertEquals(
                "b.yaml:10:19: admin.tokens[0]: admin token is 6 characters; tokens need at least 16" + advice,
                refusal(STREAMS_HEAD + "admin: { tokens: [secret] }\n"));
        assertEquals(
                "b.yaml:4:74: keys.adminTokens[0]: admin token is 5 characters; tokens need at least 16" + advice,
                refusal(STREAMS_HEAD.replace("0123456789 } }", "0123456789 }, adminTokens: [short] }")));
        assertEquals(
                "b.yaml:4:26: keys.gatewayTokens.gw-a: gateway gw-a's token is 5 characters; tokens need at least 16"
                        + advice,
                refusal(STREAMS_HEAD.replace("gateway-token-0123456789", "short")));
    }

    @Test
    void aPublishedTokenIsRefusedWhereverItIs() {
        // The tokens every 0.1 install had in /etc/lancast (docs/examples then).
        String published = "9c1f0a7e3b5d42c8a6e0f1d2b3c4a5e6";
        for (String yaml : List.of(
                STREAMS_HEAD.replace("gateway-token-0123456789", published),
                STREAMS_HEAD.replace("whip-token-0123456789", "change-me-to-a-long-random-token"),
                STREAMS_HEAD + "admin: { tokens: [0d6b3f8a2c4e6a8b1d3f5a7c9e2b4d6f] }\n",
                STREAMS_HEAD + "    viewers: { tokens: [3e5a7c9b1d2f4a6c8e0b2d4f6a8c0e1b] }\n")) {
            String why = refusal(yaml);
            assertTrue(why.contains("is an example published in lancast's documentation, so anyone may hold it"), why);
        }
    }

    @Test
    void gatewayTokensAsAListSayWhatToWriteInstead() {
        String why = refusal(STREAMS_HEAD.replace("{ gw-a: gateway-token-0123456789 }", "[gateway-token-0123456789]"));
        assertTrue(
                why.startsWith("b.yaml:4:9: keys.gatewayTokens: is now a map from each gateway's name to its token"),
                why);
        assertTrue(why.contains("write `gatewayTokens: { gw-NAME: TOKEN }`"), why);
    }

    @Test
    void twoGatewaysCannotShareAToken() {
        String why = refusal(STREAMS_HEAD.replace(
                "{ gw-a: gateway-token-0123456789 }",
                "{ gw-a: gateway-token-0123456789, gw-b: gateway-token-0123456789 }"));
        assertTrue(why.contains("keys.gatewayTokens.gw-b: gateway gw-b has the same token as another gateway"), why);
    }

    /** Issue 22 (N8): the other pages that may play a restricted stream, as browsers send their Origin. */
    @Test
    void viewerOriginsAreOriginsOrAStar() throws ConfigException {
        String ok = STREAMS_HEAD
                + "    viewers: { subnets: [198.18.1.0/24], origins: ['https://intranet.example', 'http://[fd00::1]:8080', '*'] }\n";
        assertEquals(
                java.util.List.of("https://intranet.example", "http://[fd00::1]:8080", "*"),
                loader.parse("b.yaml", ok, BridgeConfig.class).stream("main")
                        .viewers()
                        .origins());
        String path =
                STREAMS_HEAD + "    viewers: { subnets: [198.18.1.0/24], origins: ['https://intranet.example/'] }\n";
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("b.yaml", path, BridgeConfig.class));
        assertEquals(
                "b.yaml:10:5: streams[0].viewers: origins: 'https://intranet.example/' is not an origin "
                        + "(scheme://host[:port], no path or trailing slash, e.g. https://intranet.example) or *",
                e.getMessage());
    }

    @Test
    void inconsistentLimitsAreRejected() {
        String yaml = STREAMS_HEAD + "limits: { maxSessions: 4, maxSessionsPerAddress: 5 }\n";
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse("b.yaml", yaml, BridgeConfig.class));
        assertEquals("b.yaml:10:1: limits: maxSessionsPerAddress (5) cannot exceed maxSessions (4)", e.getMessage());
    }

    @Test
    void noAdminTokensAndNoLoopbackByDefault() throws ConfigException {
        BridgeConfig config = loader.parse("b.yaml", STREAMS_HEAD, BridgeConfig.class);
        assertEquals(List.of(), config.admin().tokens());
        assertEquals(false, config.admin().loopback());
    }

    @Test
    void withTheLabOptInAndNoTlsThereIsNoDefaultHttps() throws ConfigException {
        BridgeConfig lab =
                loader.parse("b.yaml", STREAMS_HEAD + "http: { allowPlainCredentials: true }\n", BridgeConfig.class);
        assertEquals(null, lab.http().tls());
        BridgeConfig kept = loader.parse("b.yaml", STREAMS_HEAD + "stateDirectory: /srv/lancast\n", BridgeConfig.class);
        assertEquals("/srv/lancast/bridge-cert.pem", kept.http().tls().certificate());
        assertEquals("/srv/lancast/bridge-key.pem", kept.http().tls().privateKey());
        assertEquals("127.0.0.1:8443", kept.http().tls().listen().toString());
    }

    private String refusal(String yaml) {
        return assertThrows(ConfigException.class, () -> loader.parse("b.yaml", yaml, BridgeConfig.class))
                .getMessage();
    }
}
