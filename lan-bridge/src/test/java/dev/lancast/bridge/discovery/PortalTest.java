package dev.lancast.bridge.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.discovery.GatewayInfo;
import dev.lancast.rtc.net.Subnet;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PortalTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final GatewayRegistry registry = new GatewayRegistry(now::get);
    private final Portal portal = new Portal(registry, new java.util.SplittableRandom(7));

    private static GatewayInfo gw(String name, String subnet, int viewers, int capacity, String... streams) {
        return new GatewayInfo(
                name, Subnet.parse(subnet), "http://" + name + ".test/", List.of(streams), viewers, capacity);
    }

    private Optional<String> choose(String viewer, String stream) throws Exception {
        return portal.choose(InetAddress.getByName(viewer), stream).map(GatewayInfo::name);
    }

    @Test
    void aViewerGoesToTheGatewayOfItsOwnSubnetThenToTheNearestWhenItLeaves() throws Exception {
        registry.heartbeat(gw("east", "198.18.1.0/24", 50, 100, "main"));
        registry.heartbeat(gw("west", "198.18.2.0/24", 0, 100, "main"));
        registry.heartbeat(gw("far", "198.19.0.0/24", 0, 100, "main"));
        assertEquals(Optional.of("east"), choose("198.18.1.20", "main"));
        assertEquals(Optional.of("west"), choose("198.18.2.20", "main"));
        // 198.18.3.x shares 23 bits with west's 198.18.2.0, 22 with east's 198.18.1.0.
        assertEquals(Optional.of("west"), choose("198.18.3.20", "main"));
        registry.left("east", "test");
        assertEquals(Optional.of("west"), choose("198.18.1.20", "main"));
    }

    @Test
    void aContainingSubnetBeatsALongerSharedPrefixOutsideIt() throws Exception {
        registry.heartbeat(gw("campus", "198.18.0.0/16", 10, 100, "main"));
        registry.heartbeat(gw("lab", "198.19.1.0/24", 0, 100, "main"));
        assertEquals(Optional.of("campus"), choose("198.18.200.1", "main"));
    }

    @Test
    void theLeastLoadedOfEqualsAndNeverAFullOneWhileOthersHaveRoom() throws Exception {
        registry.heartbeat(gw("a", "198.18.1.0/24", 90, 100, "main"));
        registry.heartbeat(gw("b", "198.18.1.0/24", 10, 20, "main"));
        assertEquals(Optional.of("b"), choose("198.18.1.5", "main"));
        registry.heartbeat(gw("b", "198.18.1.0/24", 20, 20, "main"));
        registry.heartbeat(gw("c", "198.19.9.0/24", 0, 100, "main"));
        assertEquals(Optional.of("a"), choose("198.18.1.5", "main"));
    }

    @Test
    void idleGatewaysOfOneSubnetShareABurstOfViewersWhateverTheirNames() throws Exception {
        registry.heartbeat(gw("a", "198.18.1.0/24", 0, 100, "main"));
        registry.heartbeat(gw("b", "198.18.1.0/24", 0, 100, "main"));
        registry.heartbeat(gw("c", "198.18.1.0/24", 0, 100, "main"));
        java.util.Map<String, Integer> sent = new java.util.TreeMap<>();
        for (int i = 0; i < 30; i++) {
            sent.merge(choose("198.18.1." + (10 + i), "main").orElseThrow(), 1, Integer::sum);
        }
        // The heartbeats still say 0 viewers: the portal counts what it sent since.
        assertEquals(java.util.Map.of("a", 10, "b", 10, "c", 10), sent);
    }

    @Test
    void gatewaysFillInProportionToTheirCapacity() throws Exception {
        registry.heartbeat(gw("big", "198.18.1.0/24", 0, 200, "main"));
        registry.heartbeat(gw("small", "198.18.1.0/24", 0, 100, "main"));
        java.util.Map<String, Integer> sent = new java.util.TreeMap<>();
        for (int i = 0; i < 60; i++) {
            sent.merge(choose("198.18.1.9", "main").orElseThrow(), 1, Integer::sum);
        }
        assertEquals(java.util.Map.of("big", 40, "small", 20), sent);
        // A heartbeat replaces the count with the gateway's own.
        registry.heartbeat(gw("small", "198.18.1.0/24", 0, 100, "main"));
        assertEquals(0, registry.sentSinceBeat("small"));
    }

    @Test
    void aGatewayLeavesTheRotationOneSecondAfterAMissedBeatAndAtOnceWhenItDrains() throws Exception {
        registry.heartbeat(gw("a", "198.18.1.0/24", 0, 100, "main"));
        now.addAndGet(1_000);
        registry.heartbeat(gw("b", "198.18.1.0/24", 50, 100, "main"));
        assertEquals(Optional.of("a"), choose("198.18.1.5", "main"));
        now.addAndGet(GatewayRegistry.ROTATION_MILLIS - 1_000 + 1); // a's next beat is 1 s late
        assertEquals(Optional.of("b"), choose("198.18.1.5", "main"));
        assertEquals(2, registry.list().size(), "still listed until it expires");
        registry.heartbeat(gw("a", "198.18.1.0/24", 0, 100, "main"));
        registry.heartbeat(gw("b", "198.18.1.0/24", 50, 0, "main")); // b drains
        for (int i = 0; i < 5; i++) {
            assertEquals(Optional.of("a"), choose("198.18.1.5", "main"));
        }
        registry.heartbeat(gw("a", "198.18.1.0/24", 10, 0, "main")); // and then a too
        assertEquals(Optional.empty(), choose("198.18.1.5", "main"), "never to a draining gateway");
    }

    @Test
    void onlyAuthenticatedLiveGatewaysThatCarryTheStream() throws Exception {
        registry.seenByMdns(gw("rogue", "198.18.1.0/24", 0, 100, "main"));
        assertEquals(Optional.empty(), choose("198.18.1.5", "main"));
        registry.heartbeat(gw("good", "198.18.9.0/24", 0, 100, "other"));
        assertEquals(Optional.empty(), choose("198.18.1.5", "main"));
        registry.heartbeat(gw("good", "198.18.9.0/24", 0, 100, "main", "other"));
        assertEquals(Optional.of("good"), choose("198.18.1.5", "main"));
        now.addAndGet(GatewayRegistry.EXPIRY_MILLIS + 1);
        assertEquals(Optional.empty(), choose("198.18.1.5", "main"));
    }

    @Test
    void anMdnsRecordCannotRedirectARegisteredGateway() {
        registry.heartbeat(gw("east", "198.18.1.0/24", 0, 100, "main"));
        registry.seenByMdns(
                new GatewayInfo("east", Subnet.parse("198.18.0.0/16"), "http://evil.test/", List.of("main"), 7, 100));
        GatewayRegistry.Entry e = registry.list().get(0);
        assertEquals("http://east.test/", e.info().url());
        assertEquals("198.18.1.0/24", e.info().subnet().toString());
        assertEquals(0, e.info().viewers(), "nor its load: only its heartbeats say that (issue 14)");
        assertEquals(GatewayRegistry.FoundBy.MDNS, e.foundBy(), "its record is on the bridge's link");
        assertTrue(e.authenticated());
    }

    @Test
    void silentGatewaysExpire() {
        registry.seenByMdns(gw("quiet", "198.18.1.0/24", 0, 100, "main"));
        assertEquals(GatewayRegistry.FoundBy.MDNS, registry.list().get(0).foundBy());
        now.addAndGet(GatewayRegistry.EXPIRY_MILLIS);
        registry.expire();
        assertEquals(1, registry.list().size());
        now.addAndGet(1);
        registry.expire();
        assertEquals(List.of(), registry.list());
    }
}
