package dev.lancast.rtc.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class SourceBudgetsTest {
    private static final long S = 1_000_000_000L;

    @Test
    void eachSourceHasItsRateAndBurst() {
        SourceBudgets budgets = new SourceBudgets(16, 10, 3, 1);
        assertTrue(budgets.tryAcquire(1, 0));
        assertTrue(budgets.tryAcquire(1, 0));
        assertTrue(budgets.tryAcquire(1, 0));
        assertFalse(budgets.tryAcquire(1, 0), "past the burst");
        assertTrue(budgets.tryAcquire(2, 0), "another source has its own");
        assertTrue(budgets.tryAcquire(1, S / 10), "one more after 1/rate");
        assertFalse(budgets.tryAcquire(1, S / 10));
    }

    /**
     * Issue 22 (N6): a table full of (spoofed) sources still admits a new one; the old table
     * refused every new address until its entries were 10 s idle.
     */
    @Test
    void aFullTableEvictsTheLeastRecentSourceInsteadOfRefusingNewOnes() {
        SourceBudgets budgets = new SourceBudgets(4096, 100, 100, 1);
        for (long now = 0; now < 20 * S; now += S / 10) {
            for (int i = 0; i < 4096; i++) {
                budgets.tryAcquire(1_000_000 + i, now); // the flood keeps every entry fresh
            }
            assertTrue(budgets.tryAcquire(42, now + 1), "a new source is admitted at " + now);
        }
        assertEquals(4096, budgets.sources());
        assertTrue(budgets.evictions() > 0);
    }

    @Test
    void ipv4CountsByTheSlash24AndIpv6ByTheSlash64() throws Exception {
        assertEquals(
                ClientKeys.networkKey(InetAddress.getByName("198.18.7.1")),
                ClientKeys.networkKey(InetAddress.getByName("198.18.7.254")));
        assertTrue(ClientKeys.networkKey(InetAddress.getByName("198.18.7.1"))
                != ClientKeys.networkKey(InetAddress.getByName("198.18.8.1")));
        assertEquals(
                ClientKeys.networkKey(InetAddress.getByName("2001:db8:1:2::1")),
                ClientKeys.networkKey(InetAddress.getByName("2001:db8:1:2:ffff::7")));
        assertTrue(ClientKeys.networkKey(InetAddress.getByName("2001:db8:1:2::1"))
                != ClientKeys.networkKey(InetAddress.getByName("2001:db8:1:3::1")));
        assertTrue(
                ClientKeys.hostKey(InetAddress.getByName("198.18.7.1"))
                        != ClientKeys.hostKey(InetAddress.getByName("198.18.7.2")),
                "a host key is the IPv4 address");
        assertEquals(
                ClientKeys.hostKey(InetAddress.getByName("2001:db8:1:2::1")),
                ClientKeys.hostKey(InetAddress.getByName("2001:db8:1:2::2")),
                "and the IPv6 /64");
        assertEquals("2001:db8:1:2:0:0:0:0/64", ClientKeys.describe(InetAddress.getByName("2001:db8:1:2::1")));
    }
}
