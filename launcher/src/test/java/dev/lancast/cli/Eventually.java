package dev.lancast.cli;

import java.time.Duration;

/** Waits for what the processes under test do by themselves; generous, for a loaded 2-core CI. */
final class Eventually {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    private Eventually() {}

    static void waitFor(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }
}
