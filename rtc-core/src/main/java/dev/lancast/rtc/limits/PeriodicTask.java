package dev.lancast.rtc.limits;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A task run at a fixed rate that survives its own failures. A plain {@code scheduleAtFixedRate}
 * stops for good at the first exception its task throws, silently: repair, consent expiry or key
 * rotation would end for the life of the process because of one bad packet or one bug. Here an
 * exception is caught, counted and logged (at most one line per task per interval, saying how many
 * were left out), and the task runs again at its next time. So is an {@link Error} other than a
 * {@link VirtualMachineError}: an {@code AssertionError} under {@code -ea} or a {@code LinkageError}
 * would otherwise cancel the task just as silently. A virtual machine error (out of memory, stack
 * overflow) is not caught: the JVM is broken, the process ends (-XX:+ExitOnOutOfMemoryError) and is
 * restarted.
 */
public final class PeriodicTask implements AutoCloseable {
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String name;
    private final Runnable task;
    private final Logger log;
    private final LongSupplier nanoClock;
    private final LongAdder failures = new LongAdder();
    private final ScheduledFuture<?> future;
    private long loggedAt;
    private long suppressed;
    private boolean logged;

    private PeriodicTask(
            String name,
            Runnable task,
            Logger log,
            LongSupplier nanoClock,
            ScheduledExecutorService executor,
            long initialDelay,
            long period,
            TimeUnit unit) {
        this.name = name;
        this.task = task;
        this.log = log;
        this.nanoClock = nanoClock;
        this.future = executor.scheduleAtFixedRate(this::runOnce, initialDelay, period, unit);
    }

    /** Runs {@code task} on {@code executor} every {@code period}, failures caught, counted and logged under {@code name}. */
    public static PeriodicTask schedule(
            ScheduledExecutorService executor,
            String name,
            Logger log,
            Runnable task,
            long initialDelay,
            long period,
            TimeUnit unit) {
        return new PeriodicTask(name, task, log, System::nanoTime, executor, initialDelay, period, unit);
    }

    /** As above with the clock the log's interval is measured with (tests). */
    static PeriodicTask schedule(
            ScheduledExecutorService executor,
            String name,
            Logger log,
            Runnable task,
            long initialDelay,
            long period,
            TimeUnit unit,
            LongSupplier nanoClock) {
        return new PeriodicTask(name, task, log, nanoClock, executor, initialDelay, period, unit);
    }

    void runOnce() {
        try {
            task.run();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            failures.increment();
            logFailure(e);
        }
    }

    // Runs on the executor's one thread at a time (fixed rate never overlaps runs of one task).
    private void logFailure(Throwable e) {
        long now = nanoClock.getAsLong();
        if (logged && now - loggedAt < LOG_INTERVAL_NANOS) {
            suppressed++;
            return;
        }
        if (suppressed == 0) {
            log.error("periodic task {} failed; it runs again at its next time", name, e);
        } else {
            log.error(
                    "periodic task {} failed ({} more failures since the last line); it runs again at its next time",
                    name,
                    suppressed,
                    e);
        }
        logged = true;
        loggedAt = now;
        suppressed = 0;
    }

    public String name() {
        return name;
    }

    /** Runs that threw. */
    public long failures() {
        return failures.sum();
    }

    public void cancel() {
        future.cancel(false);
    }

    @Override
    public void close() {
        cancel();
    }
}
