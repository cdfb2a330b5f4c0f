package dev.lancast.rtc.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class PeriodicTaskTest {
    /** Issue 14: scheduleAtFixedRate ends a task for good at its first exception, silently. */
    @Test
    void aTaskThatThrowsIsCountedAndRunsAgain() throws Exception {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch tenRuns = new CountDownLatch(10);
        try (PeriodicTask task = PeriodicTask.schedule(
                executor,
                "test task",
                LoggerFactory.getLogger(PeriodicTaskTest.class),
                () -> {
                    tenRuns.countDown();
                    if (runs.incrementAndGet() % 2 == 1) {
                        throw new IllegalStateException("every other run fails (test)");
                    }
                },
                0,
                5,
                TimeUnit.MILLISECONDS)) {
            assertTrue(tenRuns.await(30, TimeUnit.SECONDS), "the task went on after its failures");
            task.cancel();
            Thread.sleep(50);
            assertTrue(task.failures() >= 5, "failures counted: " + task.failures());
            assertEquals((runs.get() + 1) / 2, task.failures());
        } finally {
            executor.shutdownNow();
        }
    }

    /** Issue 22 (N22): an Error other than a VirtualMachineError (AssertionError under -ea) must not end the task either. */
    @Test
    void aTaskThatThrowsAnAssertionErrorRunsAgain() throws Exception {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        CountDownLatch threeRuns = new CountDownLatch(3);
        try (PeriodicTask task = PeriodicTask.schedule(
                executor,
                "test task",
                LoggerFactory.getLogger(PeriodicTaskTest.class),
                () -> {
                    threeRuns.countDown();
                    throw new AssertionError("an assertion that failed (test)");
                },
                0,
                5,
                TimeUnit.MILLISECONDS)) {
            assertTrue(threeRuns.await(30, TimeUnit.SECONDS), "the task went on after an AssertionError");
            task.cancel();
            assertTrue(task.failures() >= 2, "failures counted: " + task.failures());
        } finally {
            executor.shutdownNow();
        }
    }

    /** A broken JVM is not papered over: the error reaches the executor (and so the process's handlers). */
    @Test
    void aVirtualMachineErrorIsNotCaught() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            PeriodicTask task = PeriodicTask.schedule(
                    executor,
                    "test task",
                    LoggerFactory.getLogger(PeriodicTaskTest.class),
                    () -> {
                        throw new StackOverflowError("test");
                    },
                    1,
                    1,
                    TimeUnit.HOURS);
            task.cancel();
            assertThrows(StackOverflowError.class, task::runOnce);
            assertEquals(0, task.failures());
        } finally {
            executor.shutdownNow();
        }
    }
}
