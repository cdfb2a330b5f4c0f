package dev.lancast.rtc.limits;

import dev.lancast.rtc.counters.CounterDescriptor;
import dev.lancast.rtc.counters.CounterTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * How often each limit of a process refused something, and how many requests failed
 * authentication; read by /metrics. Counting is an add on a striped counter, fit for event loops:
 * these are counted by many threads (HTTP loops, the media loop, handshake threads), so they are
 * not single-writer counters of the {@link CounterTable}; the table reads them ({@link #registerIn}).
 */
public final class LimitCounters {
    public static final CounterDescriptor REFUSALS = CounterDescriptor.counter(
                    "lancast_limit_refusals", "requests and packets refused by a limit (docs/security.md)")
            .labelled("limit");
    public static final CounterDescriptor AUTH_FAILURES = CounterDescriptor.counter(
                    "lancast_auth_failures",
                    "HTTP requests refused for their credentials: 401, 403, or 429 after repeated failures")
            .labelled("reason");

    private final List<Limit> applicable;
    private final LongAdder[] refusals = new LongAdder[Limit.values().length];
    private final LongAdder[] authFailures = new LongAdder[AuthFailure.values().length];

    /** @param applicable the limits this process has, the series /metrics shows */
    public LimitCounters(List<Limit> applicable) {
        this.applicable = List.copyOf(applicable);
        for (int i = 0; i < refusals.length; i++) {
            refusals[i] = new LongAdder();
        }
        for (int i = 0; i < authFailures.length; i++) {
            authFailures[i] = new LongAdder();
        }
    }

    public void refused(Limit limit) {
        refusals[limit.ordinal()].increment();
    }

    public long refusals(Limit limit) {
        return refusals[limit.ordinal()].sum();
    }

    public void authFailed(AuthFailure reason) {
        authFailures[reason.ordinal()].increment();
    }

    /** Authentication failures of every reason. */
    public long authFailures() {
        long sum = 0;
        for (LongAdder a : authFailures) {
            sum += a.sum();
        }
        return sum;
    }

    public long authFailures(AuthFailure reason) {
        return authFailures[reason.ordinal()].sum();
    }

    /** Puts the refusals (by limit) and the authentication failures in a process's table. */
    public void registerIn(CounterTable table) {
        table.registerByLabel(REFUSALS, this::byLabel);
        table.registerByLabel(AUTH_FAILURES, () -> {
            Map<String, Long> out = new LinkedHashMap<>();
            for (AuthFailure reason : AuthFailure.values()) {
                out.put(reason.label(), authFailures(reason));
            }
            return out;
        });
    }

    /** Refusals by metric label, for this process's limits. */
    public Map<String, Long> byLabel() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Limit limit : applicable) {
            out.put(limit.label(), refusals(limit));
        }
        return out;
    }
}
