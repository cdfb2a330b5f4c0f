package dev.lancast.gateway.relay;

import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.limits.TokenBucket;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Paces the keyframe primers a media loop sends to joiners: a primer (a whole keyframe, tens of
 * packets) goes at once while the loop's primer budget allows, else the joiner waits its turn, so
 * a lecture's start (hundreds of joins in a second) does not put hundreds of keyframes on the
 * subnet at once. A joiner that waited longer than {@code maxWait} gets no primer: by then its
 * join's keyframe request has brought the live keyframe. One owner thread (it also writes the
 * counters); the clock comes in as nowNanos.
 *
 * @param <V> a joiner
 */
final class PrimerPacer<V> {
    private record Waiting<V>(V viewer, long sinceNanos) {}

    private final TokenBucket budget;
    private final long maxWaitNanos;
    private final ArrayDeque<Waiting<V>> waiting = new ArrayDeque<>();
    private final SingleWriterCounter paced;
    private final SingleWriterCounter expired;

    /**
     * @param packetsPerSecond primer packets the loop may send per second, in bursts of up to {@code burst}
     * @param paced            counts joiners that had to wait; {@code expired}: those that waited too long
     */
    PrimerPacer(
            int packetsPerSecond,
            int burst,
            long maxWaitNanos,
            long nowNanos,
            SingleWriterCounter paced,
            SingleWriterCounter expired) {
        this.budget = new TokenBucket(packetsPerSecond, burst, nowNanos);
        this.maxWaitNanos = maxWaitNanos;
        this.paced = paced;
        this.expired = expired;
    }

    /** A joiner whose primer has {@code packets} packets: primed now if the budget allows and no one waits, else queued. */
    void offer(V viewer, int packets, long nowNanos, Consumer<V> prime) {
        if (waiting.isEmpty() && budget.tryAcquire(packets, nowNanos)) {
            prime.accept(viewer);
            return;
        }
        paced.increment();
        waiting.add(new Waiting<>(viewer, nowNanos));
    }

    /** Primes the waiting joiners whose turn has come (in order), and drops those that waited too long. */
    void run(int packets, long nowNanos, Consumer<V> prime) {
        while (!waiting.isEmpty()) {
            Waiting<V> next = waiting.peek();
            if (nowNanos - next.sinceNanos() > maxWaitNanos) {
                waiting.poll();
                expired.increment();
            } else if (budget.tryAcquire(packets, nowNanos)) {
                waiting.poll();
                prime.accept(next.viewer());
            } else {
                return;
            }
        }
    }

    /** Forgets a joiner that left while waiting. */
    void remove(V viewer) {
        waiting.removeIf(w -> w.viewer() == viewer);
    }

    int waiting() {
        return waiting.size();
    }

    /** Joiners that had to wait for their primer. */
    long paced() {
        return paced.get();
    }

    /** Joiners that waited too long and got the live keyframe instead. */
    long expired() {
        return expired.get();
    }
}
