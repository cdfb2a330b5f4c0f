package dev.lancast.rtc.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogThrottleTest {
    private static final long S = 1_000_000_000L;

    @Test
    void atMostTheLinesOfAnIntervalThenTheCountLeftOut() {
        LogThrottle t = new LogThrottle(
                LoggerFactory.getLogger(LogThrottleTest.class), Duration.ofSeconds(60), 2, System::nanoTime);
        assertEquals(0, t.admit(0));
        assertEquals(0, t.admit(S));
        for (int i = 0; i < 1000; i++) {
            assertEquals(-1, t.admit(2 * S + i), "a flood within the interval is left out");
        }
        assertEquals(1000, t.admit(61 * S), "the next line says how many");
        assertEquals(0, t.admit(62 * S));
        assertEquals(-1, t.admit(63 * S));
    }
}
