package dev.lancast.cli;

import java.util.concurrent.CountDownLatch;

/** Keeps a foreground command alive until Ctrl-C (SIGINT/SIGTERM) or its own stop, then runs its shutdown. */
final class Processes {
    private Processes() {}

    static void runUntilStopped(AutoCloseable... parts) throws InterruptedException {
        runUntilStopped(new CountDownLatch(1), parts);
    }

    /**
     * As {@link #runUntilStopped(AutoCloseable...)}; also returns when {@code stop} is counted down
     * (the caller then exits, which runs the same shutdown). Parts close last first.
     */
    static void runUntilStopped(CountDownLatch stop, AutoCloseable... parts) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    for (int i = parts.length - 1; i >= 0; i--) {
                        try {
                            parts[i].close();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (Exception e) {
                            System.err.println("while stopping: " + e);
                        }
                    }
                    stopped.countDown();
                    stop.countDown();
                },
                "lancast-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stop.await();
    }
}
