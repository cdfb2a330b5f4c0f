package dev.lancast.bridge.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The stream's keyframe budget on a fake clock: a burst of 3, then one per 5 x interval; never two within the interval. */
class KeyframeBudgetTest {
    private static final long MS = 1_000_000L;

    @Test
    void aBurstThenTheSustainedRate() {
        long now = 1_000 * MS;
        KeyframeBudget budget = new KeyframeBudget(500, now);
        for (int i = 0; i < KeyframeBudget.BURST; i++) {
            long wait = budget.waitNanos(now);
            assertFalse(budget.heldBySustainedBudget(wait, now), "request " + i + " is held only by the interval");
            now += wait;
            budget.sent(now);
            now += MS;
        }
        // Three sent at 1000, 1500 and 2000 ms: the next waits for the sustained budget (one per 2.5 s), not just 500
        // ms.
        long wait = budget.waitNanos(now);
        assertTrue(budget.heldBySustainedBudget(wait, now));
        assertEquals(3_500 * MS, now + wait, "the fourth goes out 2.5 s after the first");
    }

    @Test
    void neverTwoWithinTheInterval() {
        long now = 0;
        KeyframeBudget budget = new KeyframeBudget(500, now);
        assertEquals(0, budget.waitNanos(now));
        budget.sent(now);
        assertEquals(500 * MS, budget.waitNanos(now));
        assertEquals(200 * MS, budget.waitNanos(300 * MS));
        assertFalse(budget.heldBySustainedBudget(budget.waitNanos(300 * MS), 300 * MS));
    }

    @Test
    void aNewEncoderStartsAfresh() {
        long now = 0;
        KeyframeBudget budget = new KeyframeBudget(100, now);
        for (int i = 0; i < 10; i++) {
            now += budget.waitNanos(now);
            budget.sent(now);
        }
        long later = now + 150 * MS;
        assertTrue(budget.waitNanos(later) > 0, "the sustained budget is spent");
        budget.reset(later);
        assertEquals(0, budget.waitNanos(later), "a takeover's encoder gets its burst (the interval has passed)");
    }
}
