package dev.lancast.rtc.limits;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs refused requests with their source address, at most one line per source per interval, so
 * that a client hammering a port cannot flood the log. The next line from a source says how many
 * of its lines were left out. The table of sources is bounded: past its size, the addresses not
 * yet in it share one entry.
 */
public final class RateLimitedLog {
    private static final int MAX_SOURCES = 4096;

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final Map<InetAddress, Source> sources = new HashMap<>();
    private final Source others = new Source();

    private static final class Source {
        long loggedAt;
        long suppressed;
        boolean logged;
    }

    public RateLimitedLog(Logger log, Duration interval, LongSupplier nanoClock) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.clock = nanoClock;
    }

    /** An info line about a refusal of a request from {@code source}, unless that source had one lately. */
    public void info(InetAddress source, String format, Object... args) {
        long before = admit(source, clock.getAsLong());
        if (before < 0) {
            return;
        }
        if (before == 0) {
            log.info(format, args);
        } else {
            Object[] more = java.util.Arrays.copyOf(args, args.length + 1);
            more[args.length] = before;
            log.info(format + " ({} similar lines from this address left out)", more);
        }
    }

    /**
     * Whether a line from this source may be written at {@code nowNanos}: -1 if not (it is counted),
     * else how many of its lines were left out since its last one.
     */
    synchronized long admit(InetAddress source, long nowNanos) {
        Source s = sources.get(source);
        if (s == null) {
            if (sources.size() >= MAX_SOURCES) {
                sources.values().removeIf(old -> nowNanos - old.loggedAt > intervalNanos);
            }
            if (sources.size() >= MAX_SOURCES) {
                s = others;
            } else {
                s = new Source();
                sources.put(source, s);
            }
        }
        if (s.logged && nowNanos - s.loggedAt < intervalNanos) {
            s.suppressed++;
            return -1;
        }
        long before = s.suppressed;
        s.logged = true;
        s.loggedAt = nowNanos;
        s.suppressed = 0;
        return before;
    }
}
