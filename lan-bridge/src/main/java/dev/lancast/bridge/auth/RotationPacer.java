package dev.lancast.bridge.auth;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the bridge rotates its group keys. Gateways fetch the keys once a second and hold the next
 * key before it is used, so two rotations closer than {@link #MIN_GAP} would make a key current
 * that gateways have not fetched yet, and viewers would stall (N24). So: the hourly rotation waits
 * for the gap; a forced one (POST /api/keys/rotate) inside it is refused with how long to wait; and
 * a revocation (a reload that removes a gateway credential, N16) rotates twice, the gap apart, and
 * renews the viewer-token secret: a revoked gateway holds the current and next keys, which after
 * two rotations are both retired.
 */
public final class RotationPacer {
    private static final Logger LOG = LoggerFactory.getLogger(RotationPacer.class);
    public static final Duration MIN_GAP = Duration.ofSeconds(2);

    private final Runnable rotateAll;
    private final Runnable renewViewerSecret;
    private final ScheduledExecutorService executor;
    private final LongSupplier nanos;
    private long lastNanos;
    private boolean rotatedYet;

    /**
     * @param rotateAll         rotates every keyring at once
     * @param renewViewerSecret makes a new viewer-token secret
     * @param executor          runs the rotations that must wait
     */
    public RotationPacer(
            Runnable rotateAll, Runnable renewViewerSecret, ScheduledExecutorService executor, LongSupplier nanos) {
        this.rotateAll = rotateAll;
        this.renewViewerSecret = renewViewerSecret;
        this.executor = executor;
        this.nanos = nanos;
    }

    /** The scheduled rotation: now, or once the gap since the last one has passed. */
    public void scheduled() {
        scheduledThen(() -> {});
    }

    /**
     * A rotation an admin asked for: done now and 0 returned, or refused and the seconds to wait
     * returned (for Retry-After).
     */
    public long forced() {
        long wait = rotateUnlessTooSoon();
        return wait == 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait + TimeUnit.SECONDS.toNanos(1) - 1));
    }

    /**
     * A gateway credential was revoked: a new viewer-token secret and a rotation as soon as the
     * gap allows, and a second rotation the gap later.
     */
    public void revoked(String why) {
        LOG.info(
                "{}: rotating the group keys twice, {} s apart, and renewing the viewer-token secret, so that "
                        + "what the revoked gateway holds is retired",
                why,
                MIN_GAP.toSeconds());
        executor.execute(() -> {
            renewViewerSecret.run();
            scheduledThen(() -> executor.schedule(this::scheduled, MIN_GAP.toNanos(), TimeUnit.NANOSECONDS));
        });
    }

    private void scheduledThen(Runnable next) {
        long wait = rotateUnlessTooSoon();
        if (wait > 0) {
            executor.schedule(() -> scheduledThen(next), wait, TimeUnit.NANOSECONDS);
            return;
        }
        next.run();
    }

    /** Rotates and returns 0, or returns the nanoseconds left of the gap since the last rotation. */
    private synchronized long rotateUnlessTooSoon() {
        long now = nanos.getAsLong();
        long wait = rotatedYet ? lastNanos + MIN_GAP.toNanos() - now : 0;
        if (wait > 0) {
            return wait;
        }
        rotateAll.run();
        lastNanos = now;
        rotatedYet = true;
        return 0;
    }
}
