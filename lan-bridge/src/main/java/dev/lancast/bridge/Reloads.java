package dev.lancast.bridge;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** The config reloads so far and the last one's outcome, for /metrics and the admin page. */
final class Reloads {
    /** What the last config reload did: applied, or rejected and why (the running config stayed). */
    record Outcome(long atMillis, boolean applied, String message) {}

    private final AtomicLong applied = new AtomicLong();
    private final LongSupplier millis;
    private volatile Outcome last;

    Reloads(LongSupplier millis) {
        this.millis = millis;
    }

    void applied() {
        applied.incrementAndGet();
        last = new Outcome(millis.getAsLong(), true, "applied");
    }

    void rejected(String reason) {
        last = new Outcome(millis.getAsLong(), false, reason);
    }

    long count() {
        return applied.get();
    }

    /** The last outcome as the admin page shows it; null until a reload was tried. */
    Map<String, Object> lastAsStatus() {
        Outcome o = last;
        return o == null
                ? null
                : Map.of(
                        "at",
                        Instant.ofEpochMilli(o.atMillis()).toString(),
                        "applied",
                        o.applied(),
                        "message",
                        o.message());
    }
}
