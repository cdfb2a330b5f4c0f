package dev.lancast.rtc.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.http.HttpError;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionAdmissionTest {
    @Test
    void perAddressThenTotalAndSlotsComeBack() throws Exception {
        LimitCounters counters = new LimitCounters(List.of(Limit.SESSIONS, Limit.SESSIONS_PER_ADDRESS));
        SessionAdmission admission = new SessionAdmission(3, 2, counters);
        InetAddress a = InetAddress.getByName("198.18.0.1");
        InetAddress b = InetAddress.getByName("198.18.0.2");
        InetAddress c = InetAddress.getByName("198.18.0.3");
        SessionAdmission.Slot a1 = admission.admit(a);
        admission.admit(a);
        HttpError perAddress = assertThrows(HttpError.class, () -> admission.admit(a));
        assertEquals(429, perAddress.status());
        assertEquals("5", perAddress.headers().get("Retry-After"));
        admission.admit(b);
        HttpError full = assertThrows(HttpError.class, () -> admission.admit(c));
        assertEquals(503, full.status());
        assertEquals("5", full.headers().get("Retry-After"));
        assertEquals(1, counters.refusals(Limit.SESSIONS));
        assertEquals(1, counters.refusals(Limit.SESSIONS_PER_ADDRESS));

        a1.release();
        a1.release();
        assertEquals(2, admission.sessions(), "a slot is released once however often it is asked");
        admission.admit(c);
        assertThrows(HttpError.class, () -> admission.admit(c));
    }

    /** Issue 22 (N6): an IPv6 host picks new addresses in its /64 at will; the cap per address is per /64 there. */
    @Test
    void ipv6AddressesOfOneSlash64ShareTheCap() throws Exception {
        LimitCounters counters = new LimitCounters(List.of(Limit.SESSIONS, Limit.SESSIONS_PER_ADDRESS));
        SessionAdmission admission = new SessionAdmission(100, 2, counters);
        admission.admit(InetAddress.getByName("2001:db8:1:2::1"));
        SessionAdmission.Slot second = admission.admit(InetAddress.getByName("2001:db8:1:2::2"));
        HttpError refused =
                assertThrows(HttpError.class, () -> admission.admit(InetAddress.getByName("2001:db8:1:2:ffff::3")));
        assertEquals(429, refused.status());
        assertTrue(refused.getMessage().contains("2001:db8:1:2:0:0:0:0/64"), refused.getMessage());
        admission.admit(InetAddress.getByName("2001:db8:1:3::1")); // another /64
        second.release();
        admission.admit(InetAddress.getByName("2001:db8:1:2::9"));
        assertEquals(1, counters.refusals(Limit.SESSIONS_PER_ADDRESS));
    }
}
