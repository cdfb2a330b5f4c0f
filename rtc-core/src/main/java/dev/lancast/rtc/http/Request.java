package dev.lancast.rtc.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as handlers see it, with the path parameters of the route that matched;
 * {@code secure} when it came over HTTPS.
 */
public record Request(
        HttpMethod method,
        String path,
        Map<String, String> pathParams,
        Map<String, List<String>> query,
        HttpHeaders headers,
        byte[] body,
        InetSocketAddress remote,
        boolean secure) {

    public String param(String name) {
        return pathParams.get(name);
    }

    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The media type without parameters, lower case, or "" when absent. */
    public String contentType() {
        String value = headers.get("Content-Type");
        if (value == null) {
            return "";
        }
        int semi = value.indexOf(';');
        return (semi < 0 ? value : value.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** The token of an "Authorization: Bearer" header, or null. */
    public String bearerToken() {
        return Bearer.token(headers);
    }
}
