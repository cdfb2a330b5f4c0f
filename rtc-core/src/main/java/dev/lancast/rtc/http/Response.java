package dev.lancast.rtc.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a handler answers; the server adds CORS and length headers. */
public record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    /** Thread-safe once made, and never configured after: one for every JSON answer. */
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Response text(int status, String text) {
        return new Response(
                status, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public static Response json(int status, String json) {
        return new Response(status, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** A value (records, maps, lists) as JSON. */
    public static Response jsonOf(int status, Object value) {
        try {
            return new Response(status, "application/json", JSON.writeValueAsBytes(value), Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    public static Response empty(int status) {
        return new Response(status, null, new byte[0], Map.of());
    }

    public Response withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new Response(status, contentType, body, Map.copyOf(copy));
    }
}
