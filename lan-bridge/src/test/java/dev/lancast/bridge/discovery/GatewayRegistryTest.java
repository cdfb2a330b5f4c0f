package dev.lancast.bridge.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.discovery.GatewayInfo;
import dev.lancast.rtc.net.Subnet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: an unauthenticated mDNS record or goodbye could remove a registered gateway from the
 * portal, keep a crashed one alive, rewrite its load, and fake names grew the registry without bound.
 */
class GatewayRegistryTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final GatewayRegistry registry = new GatewayRegistry(now::get);

    private static GatewayInfo info(String name, String subnet, int viewers) {
        return new GatewayInfo(name, Subnet.parse(subnet), "http://198.18.1.2:8081/", List.of("main"), viewers, 100);
    }

    @Test
    void anMdnsGoodbyeDoesNotRemoveARegisteredGateway() {
        registry.heartbeat(info("gw-a", "198.18.1.0/24", 3));
        registry.leftByMdns("gw-a");
        assertEquals(1, registry.list().size(), "still in the portal");
        registry.left("gw-a", "DELETE with the gateway token");
        assertEquals(0, registry.list().size());
    }

    @Test
    void anMdnsRecordNeitherKeepsARegisteredGatewayAliveNorRewritesItsLoad() {
        registry.heartbeat(info("gw-a", "198.18.1.0/24", 3));
        now.addAndGet(4_000);
        registry.seenByMdns(info("gw-a", "198.18.9.0/24", 0));
        GatewayRegistry.Entry entry = registry.list().get(0);
        assertEquals(3, entry.info().viewers(), "the load is the heartbeat's");
        assertEquals("198.18.1.0/24", entry.info().subnet().toString());
        now.addAndGet(GatewayRegistry.EXPIRY_MILLIS - 2_000);
        registry.seenByMdns(info("gw-a", "198.18.1.0/24", 3));
        registry.expire();
        assertTrue(registry.list().isEmpty(), "a crashed gateway leaves at its heartbeats' expiry, records or not");
    }

    @Test
    void mdnsOnlyEntriesAreBoundedAndLeaveOnTheirGoodbye() {
        registry.heartbeat(info("gw-real", "198.18.1.0/24", 0));
        for (int i = 0; i < 5 * GatewayRegistry.MAX_MDNS_ONLY; i++) {
            registry.seenByMdns(info("fake-" + i, "198.18.2.0/24", 0));
        }
        assertEquals(GatewayRegistry.MAX_MDNS_ONLY + 1, registry.list().size());
        assertEquals(4L * GatewayRegistry.MAX_MDNS_ONLY, registry.mdnsIgnored());
        assertFalse(registry.list().stream()
                .filter(e -> e.info().name().startsWith("fake-"))
                .anyMatch(GatewayRegistry.Entry::authenticated));
        registry.leftByMdns("fake-0");
        assertEquals(GatewayRegistry.MAX_MDNS_ONLY, registry.list().size());
    }
}
