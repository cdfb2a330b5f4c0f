package dev.lancast.rtc.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The denylist (published-tokens.txt) cannot drift from the docs: every token the repository's
 * documentation publishes (the example configs, YAML blocks in the Markdown, 32-hex-digit strings in
 * prose) is on it, so a config that copies one is refused.
 */
class PublishedTokensTest {
    private static final Set<String> TOKEN_KEYS = Set.of("tokens", "gatewayTokens", "adminTokens", "bridgeToken");
    private static final Pattern YAML_BLOCK = Pattern.compile("```ya?ml\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern HEX_TOKEN = Pattern.compile("\\b[0-9a-f]{32}\\b");
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    @Test
    void everyTokenTheDocsPublishIsOnTheDenylist() throws IOException {
        Set<String> found = new TreeSet<>();
        try (Stream<Path> files = Stream.concat(Files.walk(Path.of("../docs")), Stream.of(Path.of("../README.md")))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                    collect(yaml.readTree(Files.readString(file)), false, found);
                } else if (name.endsWith(".md")) {
                    String text = Files.readString(file);
                    Matcher block = YAML_BLOCK.matcher(text);
                    while (block.find()) {
                        collect(yaml.readTree(block.group(1)), false, found);
                    }
                    Matcher hex = HEX_TOKEN.matcher(text);
                    while (hex.find()) {
                        found.add(hex.group());
                    }
                }
            }
        }
        assertFalse(found.isEmpty(), "the examples publish tokens; the scan found none, so it is broken");
        Set<String> missing = new TreeSet<>(found);
        missing.removeAll(Tokens.published());
        assertTrue(missing.isEmpty(), "published in the docs but not in published-tokens.txt: " + missing);
    }

    /** Values under token keys (lists, maps of name to token, or a single string), anywhere in the tree. */
    private static void collect(JsonNode node, boolean underTokenKey, Set<String> out) {
        if (node == null) {
            return;
        }
        if (node.isTextual() && underTokenKey) {
            out.add(node.asText());
        } else if (node.isArray()) {
            node.forEach(n -> collect(n, underTokenKey, out));
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                collect(e.getValue(), underTokenKey || TOKEN_KEYS.contains(e.getKey()), out);
            }
        }
    }
}
