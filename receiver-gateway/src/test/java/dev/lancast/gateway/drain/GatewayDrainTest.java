package dev.lancast.gateway.drain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.gateway.discovery.SubnetPeers;
import dev.lancast.rtc.http.HttpError;
import dev.lancast.rtc.http.Request;
import dev.lancast.rtc.http.Response;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GatewayDrainTest {
    private static final String TOKEN = "0123456789abcdef0123";
    private final AtomicInteger viewers = new AtomicInteger(120);
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicInteger announced = new AtomicInteger();
    private final SubnetPeers peers = new SubnetPeers(null, now::get);
    private final GatewayDrain drain = new GatewayDrain(
            new GatewayConfig.DrainSettings(30, 50), viewers::get, peers, announced::incrementAndGet, now::get, TOKEN);

    private static Request request(HttpMethod method, String path, Map<String, String> params, String bearer) {
        HttpHeaders headers = new DefaultHttpHeaders();
        if (bearer != null) {
            headers.set("Authorization", "Bearer " + bearer);
        }
        return new Request(
                method,
                path,
                params,
                Map.of(),
                headers,
                new byte[0],
                new InetSocketAddress("198.18.1.10", 50000),
                false);
    }

    private static Request offer() {
        return request(HttpMethod.POST, "/whep/main", Map.of("stream", "main"), null);
    }

    @Test
    void offersAreTakenUntilTheDrainThenRedirectedToTheLeastFullPeerOr503() {
        assertNull(drain.redirectOffer(offer()));
        drain.start("test");
        assertTrue(drain.draining());
        assertEquals(1, announced.get(), "capacity 0 is announced at once");
        Response none = drain.redirectOffer(offer());
        assertEquals(503, none.status());
        assertEquals("2", none.headers().get("Retry-After"));
        peers.accept(
                List.of(
                        new SubnetPeers.Peer("gw-b", "http://198.18.1.3:8081/", List.of("main"), 8, 10),
                        new SubnetPeers.Peer("gw-c", "http://198.18.1.4:8081/", List.of("main"), 2, 10)),
                now.get());
        Response redirect = drain.redirectOffer(offer());
        assertEquals(307, redirect.status());
        assertEquals("http://198.18.1.4:8081/whep/main", redirect.headers().get("Location"));
    }

    @Test
    void viewersSpreadTheirMovesAtMovesPerSecondWithinHalfTheDeadline() {
        drain.start("test");
        assertEquals(2_400, drain.spreadMillis()); // 120 viewers at 50/s
        viewers.set(10_000);
        GatewayDrain big = new GatewayDrain(
                new GatewayConfig.DrainSettings(30, 50), viewers::get, peers, () -> {}, now::get, TOKEN);
        big.start("test");
        assertEquals(15_000, big.spreadMillis());
        viewers.set(3);
        GatewayDrain small = new GatewayDrain(
                new GatewayConfig.DrainSettings(30, 50), viewers::get, peers, () -> {}, now::get, TOKEN);
        small.start("test");
        assertEquals(1_000, small.spreadMillis(), "at least a second");
    }

    @Test
    void theDrainApiNeedsTheGatewaysTokenAndRunsTheDrainToItsEnd() throws Exception {
        HttpError refused = assertThrows(
                HttpError.class,
                () -> drain.handle(
                        request(HttpMethod.POST, "/api/drain", Map.of(), "wrong-token-wrong-token"), () -> {}));
        assertEquals(401, refused.status());
        assertTrue(!drain.draining());
        AtomicBoolean done = new AtomicBoolean();
        Response accepted = drain.handle(request(HttpMethod.POST, "/api/drain", Map.of(), TOKEN), () -> done.set(true));
        assertEquals(202, accepted.status());
        assertTrue(drain.draining());
        viewers.set(0);
        for (int i = 0; i < 100 && !done.get(); i++) {
            Thread.sleep(50);
        }
        assertTrue(done.get(), "the process is told to stop once the last viewer has gone");
        drain.close();
    }

    @Test
    void aDrainEndsAtItsDeadlineWithViewersLeft() throws Exception {
        GatewayDrain quick = new GatewayDrain(
                new GatewayConfig.DrainSettings(1, 50), viewers::get, peers, () -> {}, System::nanoTime, TOKEN);
        long start = System.nanoTime();
        assertTrue(!quick.drainAndWait("test"));
        assertTrue(System.nanoTime() - start >= 1_000_000_000L);
    }
}
