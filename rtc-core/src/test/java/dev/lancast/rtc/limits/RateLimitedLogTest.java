package dev.lancast.rtc.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {
    private static final long S = 1_000_000_000L;

    @Test
    void oneLinePerSourcePerIntervalWithTheCountLeftOut() throws Exception {
        RateLimitedLog log = new RateLimitedLog(
                LoggerFactory.getLogger(RateLimitedLogTest.class), Duration.ofSeconds(10), System::nanoTime);
        InetAddress a = InetAddress.getByName("198.18.0.1");
        InetAddress b = InetAddress.getByName("198.18.0.2");
        assertEquals(0, log.admit(a, 0), "first line of a source is written");
        for (int i = 1; i <= 99; i++) {
            assertEquals(-1, log.admit(a, i * (S / 100)), "line " + i + " within the interval is left out");
        }
        assertEquals(0, log.admit(b, S), "another source has its own allowance");
        assertEquals(99, log.admit(a, 10 * S), "the next line says how many were left out");
        assertEquals(-1, log.admit(a, 11 * S));
        assertEquals(1, log.admit(a, 21 * S));
    }

    @Test
    void manySourcesShareOneEntryPastTheTableSize() throws Exception {
        RateLimitedLog log = new RateLimitedLog(
                LoggerFactory.getLogger(RateLimitedLogTest.class), Duration.ofSeconds(10), System::nanoTime);
        int written = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] v6 = new byte[16];
            v6[0] = (byte) 0xfd;
            v6[6] = (byte) (i >> 8);
            v6[7] = (byte) i;
            if (log.admit(InetAddress.getByAddress(v6), S) >= 0) {
                written++;
            }
        }
        assertEquals(4096 + 1, written, "a table's worth of sources, then one line for all the others");
    }

    /** Issue 22 (N6): once the table's sources are quiet for an interval, new ones get lines of their own again. */
    @Test
    void aFullTableOfQuietSourcesMakesRoomForNewOnes() throws Exception {
        RateLimitedLog log = new RateLimitedLog(
                LoggerFactory.getLogger(RateLimitedLogTest.class), Duration.ofSeconds(10), System::nanoTime);
        for (int i = 0; i < 4096; i++) {
            assertEquals(0, log.admit(InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >> 8), (byte) i}), 0));
        }
        assertEquals(0, log.admit(InetAddress.getByName("198.18.0.1"), S), "the newcomers' shared line");
        assertEquals(-1, log.admit(InetAddress.getByName("198.18.0.2"), 2 * S), "shared, within its interval");
        assertEquals(0, log.admit(InetAddress.getByName("198.18.0.3"), 11 * S), "an old quiet source made room");
        assertEquals(0, log.admit(InetAddress.getByName("198.18.0.4"), 11 * S), "and another");
        assertEquals(-1, log.admit(InetAddress.getByName("198.18.0.3"), 12 * S), "the newcomer has its own entry now");
    }

    /** Issue 22 (N6): an IPv6 host owns its /64; picking new addresses in it does not buy more lines. */
    @Test
    void addressesOfOneIpv6Slash64ShareOneAllowance() throws Exception {
        RateLimitedLog log = new RateLimitedLog(
                LoggerFactory.getLogger(RateLimitedLogTest.class), Duration.ofSeconds(10), System::nanoTime);
        assertEquals(0, log.admit(InetAddress.getByName("2001:db8:1:2::1"), 0));
        assertEquals(-1, log.admit(InetAddress.getByName("2001:db8:1:2:abcd::9"), S));
        assertEquals(0, log.admit(InetAddress.getByName("2001:db8:1:3::1"), S), "another /64 is another client");
    }
}
