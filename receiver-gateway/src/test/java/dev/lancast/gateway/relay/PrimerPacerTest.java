package dev.lancast.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lancast.rtc.counters.CounterTable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Joiners' primers under a budget of 100 packets per second in bursts of 50, keyframes of 20 packets. */
class PrimerPacerTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private long now = 1_000 * MS;
    private final CounterTable counters = new CounterTable();
    private final PrimerPacer<String> pacer = new PrimerPacer<>(
            100,
            50,
            500 * MS,
            now,
            counters.cell(RelayCounters.PRIMERS_PACED, "main"),
            counters.cell(RelayCounters.PRIMERS_EXPIRED, "main"));
    private final List<String> primed = new ArrayList<>();

    @Test
    void aBurstOfJoinersIsPrimedAtTheBudgetsPaceInOrder() {
        for (int i = 0; i < 5; i++) {
            pacer.offer("v" + i, 20, now, primed::add);
        }
        assertEquals(List.of("v0", "v1"), primed, "the burst allows two keyframes of 20 at once (40 of 50)");
        assertEquals(3, pacer.waiting());
        now += 100 * MS;
        pacer.run(20, now, primed::add);
        assertEquals(List.of("v0", "v1", "v2"), primed, "10 left of the burst, 10 refilled in 100 ms: one keyframe");
        now += 100 * MS;
        pacer.run(20, now, primed::add);
        assertEquals(List.of("v0", "v1", "v2"), primed, "only 10 packets' worth more in the next 100 ms");
        now += 100 * MS;
        pacer.run(20, now, primed::add);
        assertEquals(List.of("v0", "v1", "v2", "v3"), primed, "20 in 200 ms");
        now += 400 * MS;
        pacer.run(20, now, primed::add);
        assertEquals(List.of("v0", "v1", "v2", "v3"), primed, "v4 waited 700 ms: the live keyframe is its");
        assertEquals(1, pacer.expired());
        assertEquals(3, pacer.paced());
        assertEquals(
                List.of(new CounterTable.Sample("main", 3)),
                counters.samples(RelayCounters.PRIMERS_PACED),
                "counted in the table");
        assertEquals(List.of(new CounterTable.Sample("main", 1)), counters.samples(RelayCounters.PRIMERS_EXPIRED));
        assertEquals(0, pacer.waiting());
    }

    @Test
    void aLaterJoinerWaitsBehindTheQueueAndOneWhoLeftIsForgotten() {
        pacer.offer("a", 40, now, primed::add);
        pacer.offer("b", 40, now, primed::add);
        pacer.offer("c", 5, now, primed::add);
        assertEquals(List.of("a"), primed, "c's small primer would fit, but b is first");
        pacer.remove("b");
        pacer.run(5, now, primed::add);
        assertEquals(List.of("a", "c"), primed);
    }
}
