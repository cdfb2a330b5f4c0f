package dev.lancast.bridge.admin;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lancast.bridge.config.BridgeConfig;
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
    private static final String TOKEN = "admin-token-for-this-test-0123";

    private static AdminResource with(List<String> tokens, boolean loopback) {
        BridgeConfig.AdminSettings settings = new BridgeConfig.AdminSettings(tokens, loopback);
        return new AdminResource(() -> settings, Map::of, new StatsHistory(60_000, 5_000, () -> 0), null);
    }

    private static Request from(String address, String host, String bearer) {
        HttpHeaders headers = new DefaultHttpHeaders();
        if (bearer != null) {
            headers.set("Authorization", "Bearer " + bearer);
        }
        if (host != null) {
            headers.set("Host", host);
        }
        return new Request(
                HttpMethod.GET,
                "/api/admin/history",
                Map.of(),
                Map.of(),
                headers,
                new byte[0],
                new InetSocketAddress(address, 40000),
                false);
    }

    @Test
    void loopbackIsNoLongerAdminUnlessTheConfigSaysSo() {
        // N18: a reverse proxy on the bridge's machine makes every client loopback.
        HttpError e = assertThrows(
                HttpError.class, () -> with(List.of(), false).authorize(from("127.0.0.1", "127.0.0.1:8080", null)));
        assertEquals(403, e.status());
        assertEquals(
                401,
                assertThrows(
                                HttpError.class,
                                () -> with(List.of(TOKEN), false).authorize(from("127.0.0.1", "localhost:8080", null)))
                        .status());
    }

    @Test
    void withAdminLoopbackALoopbackClientThatNamesTheBridgeByALoopbackHostNeedsNoToken() {
        AdminResource admin = with(List.of(), true);
        assertDoesNotThrow(() -> admin.authorize(from("127.0.0.1", "127.0.0.1:8080", null)));
        assertDoesNotThrow(() -> admin.authorize(from("127.0.0.1", "localhost", null)));
        assertDoesNotThrow(() -> admin.authorize(from("::1", "[::1]:8080", null)));
        // DNS rebinding: a page of evil.example whose name now points at 127.0.0.1 sends its own Host.
        assertEquals(
                403,
                assertThrows(HttpError.class, () -> admin.authorize(from("127.0.0.1", "evil.example:8080", null)))
                        .status());
        assertEquals(
                403,
                assertThrows(HttpError.class, () -> admin.authorize(from("127.0.0.1", null, null)))
                        .status());
        // From elsewhere, loopback settings change nothing.
        assertEquals(
                403,
                assertThrows(HttpError.class, () -> admin.authorize(from("198.18.1.5", "127.0.0.1:8080", null)))
                        .status());
    }

    @Test
    void otherAddressesAreRefusedWithoutConfiguredTokens() {
        HttpError e = assertThrows(
                HttpError.class, () -> with(List.of(), false).authorize(from("198.18.1.5", "bridge:8080", TOKEN)));
        assertEquals(403, e.status());
    }

    @Test
    void otherAddressesNeedAnAdminToken() throws HttpError {
        AdminResource admin = with(List.of(TOKEN), false);
        assertEquals(
                401,
                assertThrows(HttpError.class, () -> admin.authorize(from("198.18.1.5", "b", null)))
                        .status());
        assertEquals(
                401,
                assertThrows(HttpError.class, () -> admin.authorize(from("198.18.1.5", "b", TOKEN.replace('0', '1'))))
                        .status());
        admin.authorize(from("198.18.1.5", "b", TOKEN));
    }
}
