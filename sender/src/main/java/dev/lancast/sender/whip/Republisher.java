package dev.lancast.sender.whip;

import dev.lancast.rtc.net.NamedThreadFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a broadcaster published: starts a WHIP session, watches it twice a second, and when it
 * fails (the session ended, or the server went silent: a bridge that went away or restarted)
 * publishes again in a new session, after a backoff (0.5 s doubling to 4 s, from the start again
 * once a session lasted 10 s). Gives up only when the server refuses for good (a wrong token, say).
 * Its one thread is named and stopped by {@link #close()}.
 */
public final class Republisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Republisher.class);
    private static final long WATCH_MILLIS = 500;
    private static final long STABLE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Supplier<WhipSender> sessions;
    private final String target;
    private final Duration startTimeout;
    private final long silenceNanos;
    private final Backoff backoff = new Backoff(500, 4_000);
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("lancast-sender-republish", true));
    private final CompletableFuture<String> refused = new CompletableFuture<>();
    private final AtomicLong published = new AtomicLong();
    private WhipSender current;
    private long publishedAtNanos;
    private volatile boolean closed;

    /**
     * @param sessions makes a new, unstarted session for each attempt
     * @param target   what is published to, for the logs
     * @param silence  how long a server that sends RTCP may be silent before the session counts as gone
     */
    public Republisher(Supplier<WhipSender> sessions, String target, Duration startTimeout, Duration silence) {
        this.sessions = sessions;
        this.target = target;
        this.startTimeout = startTimeout;
        this.silenceNanos = silence.toNanos();
    }

    public void start() {
        thread.execute(this::attempt);
    }

    /** Completes with the server's reason when it refuses for good; publishing has stopped then. */
    public CompletableFuture<String> refused() {
        return refused;
    }

    /** Sessions that reached the server so far (1 + the times it published again). */
    public long sessionsPublished() {
        return published.get();
    }

    private void attempt() {
        if (closed) {
            return;
        }
        WhipSender session = sessions.get();
        try {
            session.start(startTimeout);
        } catch (WhipRefusedException e) {
            session.close();
            if (e.isPermanent()) {
                LOG.error("publishing to {} refused: {}", target, e.getMessage());
                refused.complete(e.getMessage());
                return;
            }
            retryLater(e.getMessage());
            return;
        } catch (IOException | RuntimeException e) {
            session.close();
            retryLater(e.getMessage() != null ? e.getMessage() : e.toString());
            return;
        } catch (InterruptedException e) {
            session.close();
            Thread.currentThread().interrupt();
            return;
        }
        current = session;
        publishedAtNanos = System.nanoTime();
        if (published.incrementAndGet() > 1) {
            LOG.info("publishing to {} again (session {})", target, published.get());
        }
        thread.schedule(this::watch, WATCH_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void watch() {
        if (closed || current == null) {
            return;
        }
        long now = System.nanoTime();
        String why = current.failure(now, silenceNanos);
        if (why == null) {
            if (now - publishedAtNanos > STABLE_NANOS) {
                backoff.reset();
            }
            thread.schedule(this::watch, WATCH_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        current.close();
        current = null;
        retryLater(why);
    }

    private void retryLater(String why) {
        long delay = backoff.nextDelayMillis();
        LOG.warn("publishing to {} failed ({}); trying again in {} ms", target, why, delay);
        thread.schedule(this::attempt, delay, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.submit(() -> {
                        if (current != null) {
                            current.close();
                            current = null;
                        }
                    })
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("stopping the sender: {}", e.toString());
        }
        thread.shutdownNow();
    }
}
