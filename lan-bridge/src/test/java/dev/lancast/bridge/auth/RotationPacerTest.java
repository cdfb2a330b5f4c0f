package dev.lancast.bridge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** N24 (forced rotations at least 2 s apart) and N16 (a revocation rotates twice and renews the secret). */
class RotationPacerTest {
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final List<Long> rotations = new CopyOnWriteArrayList<>();
    private final List<Long> secrets = new CopyOnWriteArrayList<>();
    private final RotationPacer pacer = new RotationPacer(
            () -> rotations.add(System.nanoTime()), () -> secrets.add(System.nanoTime()), executor, System::nanoTime);

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void aForcedRotationWithinTwoSecondsOfTheLastIsRefusedWithTheWait() {
        assertEquals(0, pacer.forced());
        long wait = pacer.forced();
        assertTrue(wait >= 1 && wait <= RotationPacer.MIN_GAP.toSeconds(), "Retry-After " + wait);
        assertEquals(1, rotations.size(), "the second one did not rotate");
    }

    @Test
    void theScheduledRotationWaitsForTheGapAfterAForcedOne() throws Exception {
        assertEquals(0, pacer.forced());
        pacer.scheduled();
        waitUntil(() -> rotations.size() == 2);
        assertTrue(
                rotations.get(1) - rotations.get(0) >= RotationPacer.MIN_GAP.toNanos(),
                (rotations.get(1) - rotations.get(0)) / 1e6 + " ms apart");
    }

    @Test
    void aRevocationRenewsTheSecretAndRotatesTwiceTheGapApart() throws Exception {
        pacer.revoked("test");
        waitUntil(() -> rotations.size() == 2);
        assertEquals(1, secrets.size());
        assertTrue(secrets.get(0) <= rotations.get(0), "the secret is new by the first rotation");
        assertTrue(
                rotations.get(1) - rotations.get(0) >= RotationPacer.MIN_GAP.toNanos(),
                (rotations.get(1) - rotations.get(0)) / 1e6 + " ms apart");
        Thread.sleep(RotationPacer.MIN_GAP.toMillis() + 500);
        assertEquals(2, rotations.size(), "two, not more");
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(20);
        }
    }
}
