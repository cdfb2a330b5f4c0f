package dev.lancast.rtc.limits;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * At most {@code lines} log lines per interval for one kind of event that strangers can cause at
 * any rate (malformed datagrams, records that break a rule, names announced on mDNS): the first
 * line after a quiet spell says how many were left out. For events from clients that can be told
 * apart, {@link RateLimitedLog} keeps an allowance per client instead. Any thread.
 */
public final class LogThrottle {
    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final int lines;
    private long windowStart;
    private int written;
    private long suppressed;
    private boolean started;

    /** One line per interval. */
    public LogThrottle(Logger log, Duration interval, LongSupplier nanoClock) {
        this(log, interval, 1, nanoClock);
    }

    public LogThrottle(Logger log, Duration interval, int lines, LongSupplier nanoClock) {
        if (lines < 1) {
            throw new IllegalArgumentException("lines must be at least 1");
        }
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.lines = lines;
        this.clock = nanoClock;
    }

    /** A warning, unless a line was written within the interval (then it is counted). */
    public void warn(String format, Object... args) {
        long before = admit(clock.getAsLong());
        if (before == 0) {
            log.warn(format, args);
        } else if (before > 0) {
            log.warn(format + LEFT_OUT, withCount(args, before));
        }
    }

    /** An info line, unless a line was written within the interval (then it is counted). */
    public void info(String format, Object... args) {
        long before = admit(clock.getAsLong());
        if (before == 0) {
            log.info(format, args);
        } else if (before > 0) {
            log.info(format + LEFT_OUT, withCount(args, before));
        }
    }

    private static final String LEFT_OUT = " ({} more like it left out of the log since the last line)";

    private static Object[] withCount(Object[] args, long count) {
        Object[] more = Arrays.copyOf(args, args.length + 1);
        more[args.length] = count;
        return more;
    }

    /** -1 when the line is left out, else how many were left out before it. */
    synchronized long admit(long nowNanos) {
        if (!started || nowNanos - windowStart >= intervalNanos) {
            started = true;
            windowStart = nowNanos;
            written = 0;
        }
        if (written >= lines) {
            suppressed++;
            return -1;
        }
        written++;
        long before = suppressed;
        suppressed = 0;
        return before;
    }
}
