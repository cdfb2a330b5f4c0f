package dev.lancast.rtc.limits;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs refused requests with their source address, at most one line per source per interval, so
 * that a client hammering a port cannot flood the log. The next line from a source says how many
 * of its lines were left out. A source is a client as {@link ClientKeys#hostKey} counts them (an
 * IPv4 address, an IPv6 /64). The table of sources is bounded and O(1) per line: when it is full,
 * a new source takes the place of the one logged least recently if that one's interval is over,
 * and otherwise shares one entry with the other newcomers, so that at most one line more per
 * interval is written however many sources there are.
 */
public final class RateLimitedLog {
    private static final int MAX_SOURCES = 4096;

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final LruSlots sources =
            new LruSlots(MAX_SOURCES, ThreadLocalRandom.current().nextLong());
    private final long[] loggedAt = new long[MAX_SOURCES];
    private final long[] suppressed = new long[MAX_SOURCES];
    /** The newcomers' shared entry, for when every source in the table was logged within the interval. */
    private long othersLoggedAt;

    private long othersSuppressed;
    private boolean othersLogged;

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
            Object[] more = Arrays.copyOf(args, args.length + 1);
            more[args.length] = before;
            log.info(format + " ({} similar lines from this address left out)", more);
        }
    }

    /**
     * Whether a line from this source may be written at {@code nowNanos}: -1 if not (it is counted),
     * else how many of its lines were left out since its last one.
     */
    synchronized long admit(InetAddress source, long nowNanos) {
        long key = ClientKeys.hostKey(source);
        int slot = sources.find(key);
        if (slot >= 0) {
            sources.touch(slot);
            if (nowNanos - loggedAt[slot] < intervalNanos) {
                suppressed[slot]++;
                return -1;
            }
            long before = suppressed[slot];
            loggedAt[slot] = nowNanos;
            suppressed[slot] = 0;
            return before;
        }
        int oldest = sources.oldest();
        if (sources.size() < MAX_SOURCES || nowNanos - loggedAt[oldest] >= intervalNanos) {
            slot = sources.add(key);
            loggedAt[slot] = nowNanos;
            suppressed[slot] = 0;
            return 0;
        }
        if (othersLogged && nowNanos - othersLoggedAt < intervalNanos) {
            othersSuppressed++;
            return -1;
        }
        long before = othersSuppressed;
        othersLogged = true;
        othersLoggedAt = nowNanos;
        othersSuppressed = 0;
        return before;
    }
}
