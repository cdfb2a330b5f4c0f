package dev.lancast.bridge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.lancast.rtc.config.FieldException;
import dev.lancast.rtc.config.Tokens;
import dev.lancast.rtc.http.Bearer;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code keys.gatewayTokens}: each gateway's token, by the gateway's name (its
 * {@code discovery.name}). A token fetches the group keys and registers, heartbeats and removes
 * only the gateway it belongs to (a leaked token cannot move another gateway's viewers); it is
 * also what the bridge proves itself to that gateway with (docs/security.md, "Finding the bridge").
 */
public final class GatewayTokens {
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,62}";
    private final Map<String, String> byName;

    private GatewayTokens(Map<String, String> byName) {
        this.byName = byName;
    }

    /** The config's value: a map of name to token (a list, the form before 0.2, is refused with what to write). */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static GatewayTokens parse(Object raw) {
        if (raw instanceof List<?>) {
            throw new FieldException(
                    List.of(),
                    "is now a map from each gateway's name to its token, so that a "
                            + "token can only register its own gateway: write `gatewayTokens: { gw-NAME: TOKEN }`, one entry "
                            + "per gateway, with the gateway's discovery.name (the gateway logs it when ready; default gw- and "
                            + "its interface address, e.g. gw-198-18-1-2)");
        }
        if (!(raw instanceof Map<?, ?> map)) {
            throw new FieldException(List.of(), "must be a map from gateway name to token, e.g. `{ gw-a: TOKEN }`");
        }
        Map<String, String> tokens = new LinkedHashMap<>();
        map.forEach((k, v) -> tokens.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        return of(tokens);
    }

    /** @throws FieldException for a bad name, a short or published token, or a token given to two names */
    public static GatewayTokens of(Map<String, String> tokens) {
        Map<String, String> copy = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, String> e : (tokens == null ? Map.<String, String>of() : tokens).entrySet()) {
            String name = e.getKey();
            if (name == null || !name.matches(NAME)) {
                throw new FieldException(
                        List.of(String.valueOf(name)),
                        "a gateway name is 1-63 letters, digits, '.', " + "'_' or '-', got '" + name + "'");
            }
            Tokens.check(List.of(name), e.getValue(), "gateway " + name + "'s token");
            if (!seen.add(e.getValue())) {
                throw new FieldException(
                        List.of(name),
                        "gateway " + name + " has the same token as another gateway; "
                                + "give each gateway its own (a token identifies its gateway)");
            }
            copy.put(name, e.getValue());
        }
        return new GatewayTokens(Collections.unmodifiableMap(copy));
    }

    public static GatewayTokens none() {
        return new GatewayTokens(Map.of());
    }

    /** The name of the gateway that holds {@code presented}, or null; every token is compared, in constant time. */
    public String nameOf(String presented) {
        String found = null;
        for (Map.Entry<String, String> e : byName.entrySet()) {
            if (Bearer.matches(presented, e.getValue())) {
                found = e.getKey();
            }
        }
        return found;
    }

    /** The token of gateway {@code name}, or null. */
    public String tokenOf(String name) {
        return byName.get(name);
    }

    public boolean isEmpty() {
        return byName.isEmpty();
    }

    public Set<String> names() {
        return byName.keySet();
    }

    public Collection<String> tokens() {
        return byName.values();
    }

    /** Whether some credential here is gone or bound to another name in {@code next} (a revocation). */
    public boolean revokedIn(GatewayTokens next) {
        for (Map.Entry<String, String> e : byName.entrySet()) {
            if (!e.getValue().equals(next.byName.get(e.getKey()))) {
                return true;
            }
        }
        return false;
    }

    @JsonValue
    Map<String, String> asMap() {
        return byName;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GatewayTokens other && byName.equals(other.byName);
    }

    @Override
    public int hashCode() {
        return byName.hashCode();
    }

    @Override
    public String toString() {
        return "GatewayTokens" + byName.keySet(); // never the tokens
    }
}
