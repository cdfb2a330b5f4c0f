package dev.lancast.bridge.admin;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lancast.rtc.http.HttpError;
import dev.lancast.rtc.http.Request;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminResourceTest {
    private static final String TOKEN = "0d6b3f8a2c4e6a8b1d3f5a7c9e2b4d6f";

    private static AdminResource withTokens(List<String> tokens) {
        return new AdminResource(() -> tokens, Map::of, new StatsHistory(60_000, 5_000, () -> 0), null);
    }

    private static Request from(String address, String bearer) {
        HttpHeaders headers = new DefaultHttpHeaders();
        if (bearer != null) {
            headers.set("Authorization", "Bearer " + bearer);
        }
        return new Request(HttpMethod.GET, "/api/admin/history", Map.of(), Map.of(), headers, new byte[0],
                new InetSocketAddress(address, 40000), false);
    }

    @Test
    void loopbackNeedsNoToken() {
        assertDoesNotThrow(() -> withTokens(List.of()).authorize(from("127.0.0.1", null)));
        assertDoesNotThrow(() -> withTokens(List.of(TOKEN)).authorize(from("::1", null)));
    }

    @Test
    void otherAddressesAreRefusedWithoutConfiguredTokens() {
        HttpError e = assertThrows(HttpError.class, () -> withTokens(List.of()).authorize(from("198.18.1.5", TOKEN)));
        assertEquals(403, e.status());
    }

    @Test
    void otherAddressesNeedAnAdminToken() throws HttpError {
        AdminResource admin = withTokens(List.of(TOKEN));
        assertEquals(401, assertThrows(HttpError.class, () -> admin.authorize(from("198.18.1.5", null))).status());
        assertEquals(401, assertThrows(HttpError.class,
                () -> admin.authorize(from("198.18.1.5", TOKEN.replace('0', '1')))).status());
        admin.authorize(from("198.18.1.5", TOKEN));
    }
}
