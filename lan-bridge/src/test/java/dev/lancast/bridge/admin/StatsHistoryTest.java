package dev.lancast.bridge.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StatsHistoryTest {
    private final AtomicLong now = new AtomicLong(1_000_000);

    @Test
    void keepsOnlyTheLastSpan() {
        StatsHistory history = new StatsHistory(60_000, 5_000, now::get);
        for (int i = 0; i < 30; i++) {
            history.record(i, Map.of("main", 1000L * i));
            now.addAndGet(5_000);
        }
        List<StatsHistory.Sample> kept = history.samples();
        // 30 samples over 150 s; the last one is 5 s old, the oldest kept 60 s old.
        assertEquals(12, kept.size());
        assertEquals(18, kept.get(0).viewers());
        assertEquals(29_000L, kept.get(kept.size() - 1).bitrateBps().get("main"));
    }

    @Test
    void samplesAgeOutWithoutNewOnes() {
        StatsHistory history = new StatsHistory(60_000, 5_000, now::get);
        history.record(3, Map.of());
        now.addAndGet(60_001);
        assertEquals(List.of(), history.samples());
    }

    @Test
    void theCountIsBoundedEvenWhenRecordedTooOften() {
        StatsHistory history = new StatsHistory(60_000, 5_000, now::get);
        for (int i = 0; i < 1000; i++) {
            history.record(i, Map.of());
        }
        assertEquals(13, history.samples().size());
    }

    @Test
    void aSpanShorterThanTheIntervalIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new StatsHistory(1_000, 5_000, now::get));
    }
}
