package dev.lancast.rtc.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Real mDNS instances on the loopback interface, and nowhere else. */
class MdnsTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aServiceIsFoundWithItsTxtRecordThenLeavesWithAGoodbye() throws Exception {
        String type = "_lancast-test-" + ProcessHandle.current().pid() + "._tcp.local.";
        Map<String, DiscoveredService> found = new ConcurrentHashMap<>();
        List<String> lost = new CopyOnWriteArrayList<>();
        try (Mdns browser = new Mdns(LOOPBACK, "browser-host")) {
            assertEquals(LOOPBACK, browser.boundAddress());
            browser.browse(type, new Mdns.Listener() {
                @Override
                public void found(DiscoveredService service) {
                    found.put(service.name(), service);
                }

                @Override
                public void lost(String name) {
                    lost.add(name);
                }
            });
            Mdns advertiser = new Mdns(LOOPBACK, "advertiser-host");
            Mdns.Advertisement ad = advertiser.advertise(type, "one", 8123, Map.of("v", "1", "streams", "main"));
            waitFor(() -> found.containsKey("one"), "the service is found");
            DiscoveredService one = found.get("one");
            assertEquals(8123, one.port());
            assertEquals(List.of(LOOPBACK), one.addresses());
            assertEquals("main", one.txt("streams"));

            ad.updateText(Map.of("v", "1", "streams", "main,second"));
            waitFor(() -> "main,second".equals(found.get("one").txt("streams")), "the new TXT record is seen");

            advertiser.close();
            waitFor(() -> lost.contains("one"), "the goodbye is seen");
        }
    }

    @Test
    void refusesTheWildcardAddress() {
        assertThrows(IllegalArgumentException.class, () -> new Mdns(InetAddress.getByName("0.0.0.0"), "x"));
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(50);
        }
    }
}
