package dev.lancast.cli;

import java.util.concurrent.CountDownLatch;

/** Keeps a foreground command alive until Ctrl-C (SIGINT/SIGTERM), then runs its shutdown. */
final class Processes {
    private Processes() {
    }

    static void runUntilStopped(AutoCloseable... parts) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            for (int i = parts.length - 1; i >= 0; i--) {
                try {
                    parts[i].close();
                } catch (Exception e) {
                    System.err.println("while stopping: " + e);
                }
            }
            stopped.countDown();
        }, "lancast-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
    }
}
