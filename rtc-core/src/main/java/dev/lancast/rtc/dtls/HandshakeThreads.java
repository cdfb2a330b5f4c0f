package dev.lancast.rtc.dtls;

import dev.lancast.rtc.net.NamedThreadFactory;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads BouncyCastle's blocking DTLS handshakes run on. BouncyCastle parks a thread in
 * {@code accept}/{@code connect} for every round trip, so a handshake that waits in a queue behind
 * others waits for their peers too: this pool hands each task straight to a thread (an idle one or
 * a new one) and never queues. It is bounded by the number of sessions the owner admits (a session
 * has one handshake, started only once its peer's ClientHello is here), so a task beyond the bound
 * is refused with {@link RejectedExecutionException} rather than left waiting; idle threads end
 * after a few seconds.
 */
public final class HandshakeThreads implements Executor, AutoCloseable {
    private static final long IDLE_SECONDS = 10;
    private static final int CLOSING_SLACK = 16;

    private final ThreadPoolExecutor pool;

    /**
     * A pool for an owner that admits at most {@code maxSessions} sessions at once: each has at
     * most one task running; the few extra threads cover sessions that have given their slot back
     * while their thread is still returning from BouncyCastle.
     */
    public static HandshakeThreads forSessions(String name, int maxSessions) {
        return new HandshakeThreads(name, maxSessions + CLOSING_SLACK);
    }

    /** @param maxThreads handshakes (and short post-handshake record tasks) running at once */
    public HandshakeThreads(String name, int maxThreads) {
        if (maxThreads < 1) {
            throw new IllegalArgumentException("maxThreads must be at least 1, not " + maxThreads);
        }
        this.pool = new ThreadPoolExecutor(
                0,
                maxThreads,
                IDLE_SECONDS,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                new NamedThreadFactory(name, true),
                new ThreadPoolExecutor.AbortPolicy());
    }

    /** Runs the task on a thread of its own now; throws RejectedExecutionException at the bound or after close. */
    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    /** Threads running a task now: handshakes in progress, and the rare post-handshake record task. */
    public int busy() {
        return pool.getActiveCount();
    }

    /** Threads alive, busy or idle. */
    public int threads() {
        return pool.getPoolSize();
    }

    /** Stops every handshake in progress (their threads are interrupted) and refuses new ones. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
