package dev.lancast.gateway.catalog;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.gateway.trust.BridgeTrust;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.config.HostPort;
import dev.lancast.rtc.config.MediaSettings;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("loopback")
class CatalogPollerTest {
    /** Issue 14: the poller marked a catalog applied before applying it, so a failed join was never retried. */
    @Test
    void aCatalogThatFailedToApplyIsAppliedAgainAtTheNextPoll() throws Exception {
        HttpServer bridge = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serve(bridge, "/api/streams", "{\"streams\":[]}");
        serve(bridge, "/api/keys", "{\"current\":1,\"keys\":[]}");
        bridge.start();
        AtomicInteger attempts = new AtomicInteger();
        CountDownLatch applied = new CountDownLatch(1);
        String url = "http://127.0.0.1:" + bridge.getAddress().getPort();
        GatewayConfig config = new GatewayConfig(
                null,
                new MediaSettings(new HostPort("127.0.0.1", 0), null, 0),
                url,
                "gateway-token-0123456789",
                new GatewayConfig.MulticastSettings("lo"),
                null,
                null,
                null,
                new GatewayConfig.DiscoverySettings(null, null, false, null, null, null, 0, null),
                true);
        BridgeTrust trust = new BridgeTrust(config, "gw-test", new SecureRandom(), System::nanoTime);
        try (CatalogPoller poller = new CatalogPoller(
                trust,
                () -> url,
                (StreamCatalog catalog) -> {
                    if (attempts.incrementAndGet() == 1) {
                        throw new IllegalStateException("cannot join the group (test)");
                    }
                    applied.countDown();
                },
                keys -> {},
                indexes -> {})) {
            poller.start();
            assertTrue(applied.await(30, TimeUnit.SECONDS), "the same catalog applied again after a failure");
        } finally {
            bridge.stop(0);
        }
    }

    private static void serve(HttpServer server, String path, String body) {
        server.createContext(path, exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
    }
}
