package dev.lancast.rtc.discovery;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;

/**
 * Any datagram on the mDNS port, from anyone on the link: parsing either succeeds within its
 * bounds or throws DnsException; what parses goes through the browser and the responder (our
 * records on offer, a type browsed) without an exception, and neither keeps more than its caps.
 * Seeds: DnsFuzzTestInputs/datagram (Avahi's and our own messages, a compressed one).
 */
@Tag("long")
class DnsFuzzTest {
    private static final String TYPE = "_lancast._tcp.local.";

    @FuzzTest
    void datagram(byte[] datagram) throws Exception {
        DnsMessage m;
        try {
            m = DnsMessage.parse(datagram, 0, datagram.length);
        } catch (DnsException e) {
            return;
        }
        assertTrue(m.questions().size() <= DnsMessage.MAX_QUESTIONS);
        assertTrue(m.records().size() <= DnsMessage.MAX_RECORDS);
        for (DnsMessage.Record r : m.records()) {
            assertTrue(
                    r.name().length() <= 255 * 4,
                    "a name within its bytes: " + r.name().length());
        }
        InetAddress source = InetAddress.getByName("198.18.0.66");
        List<Runnable> events = new ArrayList<>();
        MdnsBrowser browser = new MdnsBrowser(
                TYPE,
                4,
                new Mdns.Listener() {
                    @Override
                    public void found(DiscoveredService service) {
                        assertTrue(service.name().chars().noneMatch(Character::isISOControl), "a printable name");
                    }

                    @Override
                    public void lost(String name) {}
                },
                events::add,
                0);
        MdnsResponder responder = new MdnsResponder(InetAddress.getByName("198.18.0.1"), "gw");
        responder.add(TYPE, "bridge", 8443, java.util.Map.of("v", "1"), 0);
        responder.tick(0, new ArrayList<>());
        responder.tick(1_000_000_000L, new ArrayList<>());
        if (m.response()) {
            browser.onResponse(m.records(), source, 1);
            responder.onResponse(m.records(), 1);
        } else {
            responder.answer(m, true, 1);
            responder.answer(m, false, 1);
        }
        browser.tick(2, new DnsWriter(0, false));
        events.forEach(Runnable::run);
        assertTrue(browser.instances() <= 4);
    }
}
