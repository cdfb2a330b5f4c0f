package dev.lancast.rtc.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The browser's cache, fed records directly with a clock of our own. */
@Tag("loopback")
class MdnsBrowserTest {
    private static final String TYPE = "_lancast._tcp.local.";
    private static final long S = TimeUnit.SECONDS.toNanos(1);
    private final Map<String, DiscoveredService> found = new java.util.HashMap<>();
    private final List<String> lost = new ArrayList<>();
    private final MdnsBrowser browser = new MdnsBrowser(
            TYPE,
            64,
            new Mdns.Listener() {
                @Override
                public void found(DiscoveredService service) {
                    found.put(service.name(), service);
                }

                @Override
                public void lost(String name) {
                    lost.add(name);
                    found.remove(name);
                }
            },
            Runnable::run,
            0);

    /** PTR, SRV, TXT and A of one instance, as one response carries them. */
    private static List<DnsMessage.Record> instance(String label, String host, String ip, long ttl) throws Exception {
        byte[] msg = new DnsWriter(0, true)
                .section(1)
                .ptr(TYPE, ttl, label, TYPE)
                .srv(label, TYPE, ttl, 8443, host)
                .txt(label, TYPE, ttl, Map.of("v", "1"))
                .a(host, ttl, InetAddress.getByName(ip))
                .bytes();
        return DnsMessage.parse(msg, 0, msg.length).records();
    }

    @Test
    void anInstanceWithAllItsRecordsIsFoundAndLostWhenTheyExpire() throws Exception {
        browser.onResponse(instance("bridge", "b.local.", "198.18.0.1", 120), InetAddress.getByName("198.18.0.1"), 0);
        DiscoveredService b = found.get("bridge");
        assertEquals(8443, b.port());
        assertEquals(List.of(InetAddress.getByName("198.18.0.1")), b.addresses());
        assertEquals("1", b.txt("v"));
        browser.tick(121 * S, new DnsWriter(0, false));
        assertEquals(List.of("bridge"), lost);
    }

    /**
     * Issue 22 (N10): every record on the link went into JmDNS's cache with no bound. A flood of
     * instances from one host keeps at most 8 of them, thousands more from as many hosts at most
     * the browser's cap, and the real bridge from another host is still found.
     */
    @Test
    void aFloodOfInstancesIsBoundedAndTheRealOneIsStillFound() throws Exception {
        InetAddress flooder = InetAddress.getByName("198.18.0.66");
        for (int i = 0; i < 10_000; i++) {
            browser.onResponse(instance("fake-" + i, "f" + i + ".local.", "198.18.0.66", 0xFFFFFFFFL), flooder, i);
        }
        assertEquals(MdnsBrowser.MAX_PER_SOURCE, browser.instances(), "one host's share");
        browser.onResponse(instance("bridge", "b.local.", "198.18.0.1", 120), InetAddress.getByName("198.18.0.1"), S);
        assertTrue(found.containsKey("bridge"), "the real bridge is found");
        for (int i = 0; i < 10_000; i++) {
            InetAddress spoofed = InetAddress.getByAddress(new byte[] {(byte) 198, 18, (byte) (i >> 8), (byte) i});
            browser.onResponse(instance("spoof-" + i, "s" + i + ".local.", "198.18.0.66", 0xFFFFFFFFL), spoofed, 2 * S);
        }
        assertEquals(64, browser.instances(), "the cap holds whatever the number of sources");
        assertTrue(browser.ignored() > 19_000);
        browser.tick((MdnsBrowser.TTL_CEILING_SECONDS + 3) * S, new DnsWriter(0, false));
        assertEquals(0, browser.instances(), "no record lives past the TTL ceiling");
    }

    @Test
    void namesAreMadePrintable() throws Exception {
        browser.onResponse(
                instance("evil\nWARN forged line", "e.local.", "198.18.0.9", 120),
                InetAddress.getByName("198.18.0.9"),
                0);
        assertTrue(found.containsKey("evil?WARN forged line"), found.keySet().toString());
    }

    @Test
    void theFirstQueryAsksForTheTypeThenBacksOff() throws Exception {
        DnsWriter first = new DnsWriter(0, false);
        browser.tick(0, first);
        assertEquals(
                List.of(new DnsMessage.Question(TYPE, DnsMessage.TYPE_PTR, false)),
                parse(first).questions());
        DnsWriter soon = new DnsWriter(0, false);
        browser.tick(S / 2, soon);
        assertTrue(soon.isEmpty(), "not again within the interval");
        DnsWriter next = new DnsWriter(0, false);
        browser.tick(S, next);
        assertEquals(1, parse(next).questions().size());
    }

    private static DnsMessage parse(DnsWriter w) throws DnsException {
        byte[] b = w.bytes();
        return DnsMessage.parse(b, 0, b.length);
    }
}
