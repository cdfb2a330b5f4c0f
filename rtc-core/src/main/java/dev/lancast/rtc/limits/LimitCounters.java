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
    public static final CounterDescriptor REFUSALS = CounterDescriptor.counter("lancast_limit_refusals",
            "requests and packets refused by a limit (docs/security.md)").labelled("limit");
    public static final CounterDescriptor AUTH_FAILURES = CounterDescriptor.counter("lancast_auth_failures",
            "HTTP requests refused with 401 or 403");

    private final List<Limit> applicable;
    private final LongAdder[] refusals = new LongAdder[Limit.values().length];
    private final LongAdder authFailures = new LongAdder();

    /** @param applicable the limits this process has, the series /metrics shows */
    public LimitCounters(List<Limit> applicable) {
        this.applicable = List.copyOf(applicable);
        for (int i = 0; i < refusals.length; i++) {
            refusals[i] = new LongAdder();
        }
    }

    public void refused(Limit limit) {
        refusals[limit.ordinal()].increment();
    }

    public long refusals(Limit limit) {
        return refusals[limit.ordinal()].sum();
    }

    public void authFailed() {
        authFailures.increment();
    }

    public long authFailures() {
        return authFailures.sum();
    }

    /** Puts the refusals (by limit) and the authentication failures in a process's table. */
    public void registerIn(CounterTable table) {
        table.registerByLabel(REFUSALS, this::byLabel);
        table.register(AUTH_FAILURES, this::authFailures);
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
