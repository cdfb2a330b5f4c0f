package dev.lancast.rtc.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What every token in a config must be (WHIP, viewer, gateway, admin): at least
 * {@link #MIN_LENGTH} characters, and none that lancast's documentation has ever published
 * ({@code published-tokens.txt}): an example token copied into a live config is a credential
 * everyone who read the docs holds.
 */
public final class Tokens {
    public static final int MIN_LENGTH = 16;
    private static final String HOW = "make one with `openssl rand -hex 16`, or let `lancast init` write the config";
    private static final Set<String> PUBLISHED = load();

    private Tokens() {}

    /**
     * Checks one token.
     *
     * @param path where it is below the record that checks it (for the error's line), e.g. {@code ["bridgeToken"]}
     * @param what what kind of token, for the message ("WHIP token")
     * @throws FieldException naming the path when the token is missing, short or published
     */
    public static void check(List<Object> path, String token, String what) {
        if (token == null || token.isBlank()) {
            throw new FieldException(path, what + " is empty; " + HOW);
        }
        if (token.length() < MIN_LENGTH) {
            throw new FieldException(
                    path,
                    what + " is " + token.length() + " characters; tokens need at least " + MIN_LENGTH + " (" + HOW
                            + ")");
        }
        if (isPublished(token)) {
            throw new FieldException(
                    path,
                    what + " '" + token.substring(0, 4) + "…' is an example published in "
                            + "lancast's documentation, so anyone may hold it: " + HOW);
        }
    }

    /** Checks each token of a list found under {@code field}; returns an unmodifiable copy. */
    public static List<String> checkAll(String field, List<String> tokens, String what) {
        if (tokens == null) {
            return List.of();
        }
        for (int i = 0; i < tokens.size(); i++) {
            check(List.of(field, i), tokens.get(i), what);
        }
        return List.copyOf(tokens);
    }

    /** Whether lancast's documentation (now or in an earlier version) published this token. */
    public static boolean isPublished(String token) {
        return PUBLISHED.contains(token);
    }

    /** The published tokens, for the test that keeps the list in step with the docs. */
    public static Set<String> published() {
        return PUBLISHED;
    }

    private static Set<String> load() {
        try (InputStream in = Tokens.class.getResourceAsStream("published-tokens.txt")) {
            if (in == null) {
                throw new IllegalStateException("published-tokens.txt is missing from the jar");
            }
            List<String> lines = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                String t = line.trim();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    lines.add(t);
                }
            }
            return Set.copyOf(new HashSet<>(lines));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
