package dev.lancast.bridge.auth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.rtc.http.HttpError;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** N9: a gateway's token registers, heartbeats and removes that gateway only; any gateway's fetches keys. */
class GatewayAuthorizerTest {
    private static final String A = "token-of-gateway-a-0123";
    private static final String B = "token-of-gateway-b-0123";
    private final GatewayAuthorizer authorizer =
            new GatewayAuthorizer(() -> new BridgeConfig.KeySettings(0, Map.of("gw-a", A, "gw-b", B), List.of()));

    private static HttpHeaders bearer(String token) {
        return new DefaultHttpHeaders().set("Authorization", "Bearer " + token);
    }

    @Test
    void aTokenActsForItsOwnGatewayOnly() {
        assertDoesNotThrow(() -> authorizer.namedGateway(bearer(A), Map.of("name", "gw-a"), null));
        HttpError other =
                assertThrows(HttpError.class, () -> authorizer.namedGateway(bearer(A), Map.of("name", "gw-b"), null));
        assertEquals(403, other.status());
        assertTrue(other.getMessage().contains("belongs to gateway 'gw-a', not 'gw-b'"), other.getMessage());
        assertEquals(
                401,
                assertThrows(
                                HttpError.class,
                                () -> authorizer.namedGateway(
                                        bearer("no-such-token-0123456"), Map.of("name", "gw-a"), null))
                        .status());
    }

    @Test
    void anyGatewaysTokenFetchesTheKeys() {
        assertDoesNotThrow(() -> authorizer.anyGateway(bearer(A), Map.of(), null));
        assertDoesNotThrow(() -> authorizer.anyGateway(bearer(B), Map.of(), null));
        assertEquals(
                401,
                assertThrows(HttpError.class, () -> authorizer.anyGateway(new DefaultHttpHeaders(), Map.of(), null))
                        .status());
    }
}
