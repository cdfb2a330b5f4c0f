package dev.lancast.rtc.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private static final long MS = 1_000_000L;

    @Test
    void allowsTheBurstThenTheRate() {
        long t = 123_456_789L;
        TokenBucket bucket = new TokenBucket(10, 5, t);
        for (int i = 0; i < 5; i++) {
            assertTrue(bucket.tryAcquire(t), "burst event " + i);
        }
        assertFalse(bucket.tryAcquire(t), "the sixth at once is refused");
        assertFalse(bucket.tryAcquire(t + 99 * MS), "not yet 100 ms later");
        assertTrue(bucket.tryAcquire(t + 100 * MS), "one more every 100 ms");
        assertFalse(bucket.tryAcquire(t + 150 * MS));
    }

    @Test
    void aFloodGetsTheRateAndNoMore() {
        long t = 0;
        TokenBucket bucket = new TokenBucket(50, 50, t);
        int allowed = 0;
        // 10 000 events over 10 s: 50 in the first burst, then 50 per second.
        for (int i = 0; i < 10_000; i++) {
            if (bucket.tryAcquire(t + i * MS)) {
                allowed++;
            }
        }
        assertEquals(50 + 500, allowed, 1);
    }

    @Test
    void quietTimeRefillsOnlyUpToTheBurst() {
        TokenBucket bucket = new TokenBucket(2, 2, 0);
        long later = 3_600_000 * MS;
        assertTrue(bucket.tryAcquire(later));
        assertTrue(bucket.tryAcquire(later));
        assertFalse(bucket.tryAcquire(later), "an hour of silence buys a burst of 2, not 7200");
    }

    @Test
    void worksAcrossTheSignOfNanoTime() {
        long start = Long.MAX_VALUE - 10; // a variable: the sum below wraps on purpose, as nanoTime may
        TokenBucket bucket = new TokenBucket(1, 1, start);
        assertTrue(bucket.tryAcquire(start));
        assertFalse(bucket.tryAcquire(Long.MAX_VALUE));
        assertTrue(bucket.tryAcquire(start + 1_000_000_000L), "after wrapping past Long.MAX_VALUE");
    }

    @Test
    void severalEventsAtOnceFitTheBurstWholeOrNotAtAll() {
        TokenBucket bucket = new TokenBucket(100, 50, 0);
        assertTrue(bucket.tryAcquire(30, 0));
        assertFalse(bucket.tryAcquire(30, 0), "30 more would exceed the burst of 50: none are taken");
        assertTrue(bucket.tryAcquire(20, 0), "the 20 left of the burst");
        assertFalse(bucket.tryAcquire(1, 0));
        assertFalse(bucket.tryAcquire(10, 90 * MS), "9 events' worth refilled in 90 ms");
        assertTrue(bucket.tryAcquire(10, 100 * MS));
    }
}
