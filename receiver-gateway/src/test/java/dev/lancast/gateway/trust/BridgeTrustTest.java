package dev.lancast.gateway.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.rtc.config.HostPort;
import dev.lancast.rtc.config.MediaSettings;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** N2 at the gateway: its token goes to a plain-HTTP bridge only with the lab opt-in, for the configured URL. */
class BridgeTrustTest {
    private static final String TOKEN = "gateway-token-trust-0123";
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final HttpServer listener = listener();
    private final String plainUrl = "http://127.0.0.1:" + listener.getAddress().getPort();

    private HttpServer listener() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " authorization="
                        + exchange.getRequestHeaders().getFirst("Authorization"));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stop() {
        listener.stop(0);
    }

    private static GatewayConfig config(String bridgeUrl, boolean allowPlain) {
        return new GatewayConfig(
                null,
                new MediaSettings(new HostPort("127.0.0.1", 0), null, 0),
                bridgeUrl,
                TOKEN,
                new GatewayConfig.MulticastSettings("lo"),
                null,
                null,
                null,
                new GatewayConfig.DiscoverySettings(null, null, false, null, null, null, 0, null),
                allowPlain);
    }

    private static HttpRequest.Builder keys(String base) {
        return HttpRequest.newBuilder(URI.create(base + "/api/keys"));
    }

    @Test
    void aPlainHttpBridgeGetsNothingFromTheGateway() throws Exception {
        BridgeTrust trust =
                new BridgeTrust(config("https://192.0.2.10:8443", false), "gw-a", new SecureRandom(), System::nanoTime);
        UntrustedBridgeException e = assertThrows(
                UntrustedBridgeException.class,
                () -> trust.send(plainUrl, keys(plainUrl), HttpResponse.BodyHandlers.discarding(), true));
        assertTrue(e.getMessage().contains("it is plain HTTP"), e.getMessage());
        assertThrows(
                UntrustedBridgeException.class,
                () -> trust.send(plainUrl, keys(plainUrl), HttpResponse.BodyHandlers.discarding(), false));
        assertEquals(List.of(), received, "not even a request without the token");
    }

    @Test
    void withTheLabOptInTheConfiguredPlainBridgeGetsTheToken() throws Exception {
        BridgeTrust trust = new BridgeTrust(config(plainUrl, true), "gw-a", new SecureRandom(), System::nanoTime);
        trust.send(plainUrl, keys(plainUrl), HttpResponse.BodyHandlers.discarding(), true);
        assertEquals(List.of("GET /api/keys authorization=Bearer " + TOKEN), received);
        // Another plain URL (one found on mDNS) still gets nothing.
        String other = plainUrl.replace("127.0.0.1", "localhost");
        assertThrows(
                UntrustedBridgeException.class,
                () -> trust.send(other, keys(other), HttpResponse.BodyHandlers.discarding(), true));
        assertEquals(1, received.size());
    }
}
