package dev.lancast.bridge.discovery;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.discovery.GatewayInfo;
import dev.lancast.rtc.http.HttpError;
import dev.lancast.rtc.net.Subnet;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** N9: a registration's viewer page URL must be at the heartbeat's address, in its subnet, or a listed name. */
class ViewerUrlCheckTest {
    private final ViewerUrlCheck check = new ViewerUrlCheck(() -> List.of("live.example.org"));

    private static GatewayInfo gateway(String url) {
        return new GatewayInfo("gw-a", Subnet.parse("198.18.1.0/24"), url, List.of(), 0, 10);
    }

    @Test
    void theHeartbeatsOwnAddressOrOneInItsSubnetIsAccepted() throws Exception {
        InetAddress source = InetAddress.getByName("198.18.7.2");
        assertDoesNotThrow(() -> check.check(gateway("http://198.18.7.2:8081/"), source));
        assertDoesNotThrow(() -> check.check(gateway("https://198.18.1.20:8444/"), source));
        assertDoesNotThrow(() -> check.check(gateway("https://live.example.org/"), source));
    }

    @Test
    void anAddressElsewhereOrAnUnlistedNameIsRefused() throws Exception {
        InetAddress source = InetAddress.getByName("198.18.7.2");
        HttpError elsewhere = assertThrows(HttpError.class, () -> check.check(gateway("http://203.0.113.66/"), source));
        assertEquals(403, elsewhere.status());
        assertTrue(
                elsewhere
                        .getMessage()
                        .contains("neither at this heartbeat's source address 198.18.7.2 nor in the "
                                + "gateway's subnet 198.18.1.0/24"),
                elsewhere.getMessage());
        HttpError name = assertThrows(HttpError.class, () -> check.check(gateway("http://evil.example/"), source));
        assertEquals(403, name.status());
        assertTrue(name.getMessage().contains("discovery.gatewayHostNames"), name.getMessage());
    }
}
