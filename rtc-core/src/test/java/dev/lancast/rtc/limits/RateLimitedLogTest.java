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
        RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(RateLimitedLogTest.class), Duration.ofSeconds(10),
                System::nanoTime);
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
        RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(RateLimitedLogTest.class), Duration.ofSeconds(10),
                System::nanoTime);
        int written = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] v6 = new byte[16];
            v6[0] = (byte) 0xfd;
            v6[14] = (byte) (i >> 8);
            v6[15] = (byte) i;
            if (log.admit(InetAddress.getByAddress(v6), S) >= 0) {
                written++;
            }
        }
        assertEquals(4096 + 1, written, "a table's worth of sources, then one line for all the others");
    }
}
