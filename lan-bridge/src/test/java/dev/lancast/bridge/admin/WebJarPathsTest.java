package dev.lancast.bridge.admin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The pages name their WebJar files with the version in the path; the versions are pinned in the
 * parent pom. A version bump that forgets a page fails here instead of as a 404 in a browser.
 */
class WebJarPathsTest {
    private static final List<String> PAGES = List.of(
            "web/broadcast.html",
            "web/admin.html",
            "web/viewer.html",
            "web/assets/admin.js",
            "web/assets/broadcast.js",
            "web/assets/viewer.js");
    private static final Pattern WEBJAR = Pattern.compile("/webjars/[^\"'\\s)]+");

    @Test
    void everyWebJarFileThePagesNameIsOnTheClasspath() throws IOException {
        ClassLoader loader = WebJarPathsTest.class.getClassLoader();
        List<String> named = new ArrayList<>();
        for (String page : PAGES) {
            try (InputStream in = loader.getResourceAsStream(page)) {
                assertNotNull(in, page);
                Matcher m = WEBJAR.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                while (m.find()) {
                    named.add(m.group());
                }
            }
        }
        assertFalse(named.isEmpty(), "the pages use uPlot and qrcodejs");
        for (String path : named) {
            assertNotNull(loader.getResource("META-INF/resources" + path), path + " is not in any WebJar");
        }
    }
}
