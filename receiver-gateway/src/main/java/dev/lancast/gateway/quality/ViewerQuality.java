package dev.lancast.gateway.quality;

import dev.lancast.rtc.counters.CounterDescriptor;
import dev.lancast.rtc.counters.CounterTable;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The gateway's viewers' playback, per stream, as their pages report it on their WHEP sessions
 * (docs/architecture.md, "Viewer quality"): freezes, the longest stall, join times and their own
 * loss. A session's reports are counted once each: the counts a browser gives are since its session
 * began, so each report adds its difference to the one before, bounded by the time it covers (a
 * page can misreport its own playback, not make up more than the time that passed). State exists
 * only for sessions that exist (their URL is the capability) and goes with them; a session may
 * report once per {@value #MIN_INTERVAL_SECONDS} s. HTTP threads report, any thread reads: one lock,
 * taken per report and per read, never on the media path.
 */
public final class ViewerQuality {
    static final long MIN_INTERVAL_SECONDS = 2;
    /** A session that reported this recently counts as reporting (its page reports every 10 s). */
    static final long REPORTING_SECONDS = 25;
    /** One report covers at most this much playback (a page whose timers were held back). */
    static final long MAX_SPAN_SECONDS = 30;
    /** Slack for what a report may add beyond the time it covers (the first one, timers). */
    static final long SLACK_MS = 10_000;
    /** A freeze lasts at least this long (WebRTC counts one at max(3 frames, a frame + 150 ms)). */
    static final long MIN_FREEZE_MS = 150;
    /** More packets per second than any stream the bridge carries. */
    static final long MAX_PACKETS_PER_SECOND = 20_000;

    static final String STREAM = "stream";
    public static final CounterDescriptor REPORTS = CounterDescriptor.counter(
                    "lancast_gateway_viewer_reports", "quality reports from viewer pages accepted")
            .status("viewerReports")
            .labelled(STREAM);
    public static final CounterDescriptor REPORTING = CounterDescriptor.gauge(
                    "lancast_gateway_viewers_reporting", "viewers whose page reported its playback in the last 25 s")
            .labelled(STREAM);
    public static final CounterDescriptor REPORTED_SECONDS = CounterDescriptor.counter(
                    "lancast_gateway_viewer_reported_seconds",
                    "seconds of playback the viewers' reports cover (viewer-seconds)")
            .status("viewerReportedSeconds")
            .labelled(STREAM);
    public static final CounterDescriptor FREEZES = CounterDescriptor.counter(
                    "lancast_gateway_viewer_freezes", "video freezes viewers' browsers counted (WebRTC freezeCount)")
            .status("viewerFreezes")
            .labelled(STREAM);
    public static final CounterDescriptor FREEZE_MS = CounterDescriptor.counter(
                    "lancast_gateway_viewer_freeze_milliseconds",
                    "time viewers' video was frozen (WebRTC totalFreezesDuration)")
            .status("viewerFreezeMs")
            .labelled(STREAM);
    public static final CounterDescriptor JOINS = CounterDescriptor.counter(
                    "lancast_gateway_viewer_joins", "join times viewers reported")
            .status("viewerJoins")
            .labelled(STREAM);
    public static final CounterDescriptor JOIN_MS = CounterDescriptor.counter(
                    "lancast_gateway_viewer_join_milliseconds",
                    "sum of the join times viewers reported (WHEP answer to first frame on screen)")
            .status("viewerJoinMs")
            .labelled(STREAM);
    public static final CounterDescriptor LOST = CounterDescriptor.counter(
                    "lancast_gateway_viewer_packets_lost",
                    "video packets viewers' browsers lost (their link to the gateway, after its repair)")
            .status("viewerPacketsLost")
            .labelled(STREAM);
    public static final CounterDescriptor RECEIVED = CounterDescriptor.counter(
                    "lancast_gateway_viewer_packets_received", "video packets viewers' browsers received")
            .status("viewerPacketsReceived")
            .labelled(STREAM);
    public static final CounterDescriptor LONGEST_STALL = CounterDescriptor.gauge(
                    "lancast_gateway_viewer_longest_stall_ms",
                    "the longest time between two frames a viewer saw in the last 5 minutes")
            .labelled(STREAM);
    public static final CounterDescriptor JOIN_P50 = CounterDescriptor.gauge(
                    "lancast_gateway_viewer_join_p50_ms",
                    "median join time viewers reported in the last 5 minutes (only with joins)")
            .labelled(STREAM);
    public static final CounterDescriptor JOIN_P95 = CounterDescriptor.gauge(
                    "lancast_gateway_viewer_join_p95_ms",
                    "95th percentile join time viewers reported in the last 5 minutes (only with joins)")
            .labelled(STREAM);
    public static final CounterDescriptor REFUSED = CounterDescriptor.counter(
                    "lancast_gateway_viewer_reports_refused",
                    "quality reports refused: too_often (429), malformed (400), full (503)")
            .status("viewerReportsRefused")
            .labelled("reason");

    private static final StreamQuality.Window EMPTY = new StreamQuality.Window(0, 0, 0, 0, 0, 0, 0, -1, -1);

    /** Whether a report may come in now, decided from its headers (before the body is read). */
    public enum Admission {
        OK,
        NO_SESSION,
        TOO_SOON,
        FULL
    }

    /** What the gateway keeps of one session that reported. */
    private static final class Viewer {
        final String stream;
        /** The last report admitted (its headers), for the rate limit, and the last one counted. */
        long admittedNanos;

        boolean admitted;
        long lastNanos;
        long freezes;
        long freezeMs;
        long lost;
        long received;
        boolean reported;
        boolean joined;

        Viewer(String stream) {
            this.stream = stream;
        }
    }

    private final BiPredicate<String, String> sessionExists;
    private final Supplier<? extends Collection<String>> streamNames;
    private final int maxViewers;
    private final LongSupplier nanos;
    private final Map<String, Viewer> viewers = new HashMap<>();
    private final Map<String, StreamQuality> streams = new LinkedHashMap<>();
    private final Map<String, AtomicLong> refused = new LinkedHashMap<>();
    private long sweptNanos;

    /**
     * @param sessionExists whether (stream, session id) names a WHEP session that is up
     * @param streamNames   the gateway's streams: each has its series (0 before any report)
     * @param maxViewers    sessions kept at most (the gateway's limits.maxSessions)
     */
    public ViewerQuality(
            BiPredicate<String, String> sessionExists,
            Supplier<? extends Collection<String>> streamNames,
            int maxViewers,
            LongSupplier nanos) {
        this.sessionExists = sessionExists;
        this.streamNames = streamNames;
        this.maxViewers = maxViewers;
        this.nanos = nanos;
        for (String reason : List.of("too_often", "malformed", "full")) {
            refused.put(reason, new AtomicLong());
        }
        this.sweptNanos = nanos.getAsLong();
    }

    /** From the request's path alone: an unknown session costs nothing, a session reports at most every 2 s. */
    public synchronized Admission admit(String stream, String session) {
        if (!sessionExists.test(stream, session)) {
            return Admission.NO_SESSION;
        }
        long now = nanos.getAsLong();
        Viewer v = viewers.get(session);
        if (v == null) {
            if (viewers.size() >= maxViewers) {
                sweep(now, true);
            }
            if (viewers.size() >= maxViewers) {
                refused.get("full").incrementAndGet();
                return Admission.FULL;
            }
            v = new Viewer(stream);
            viewers.put(session, v);
        } else if (!v.stream.equals(stream)) {
            return Admission.NO_SESSION;
        } else if (v.admitted && now - v.admittedNanos < TimeUnit.SECONDS.toNanos(MIN_INTERVAL_SECONDS)) {
            refused.get("too_often").incrementAndGet();
            return Admission.TOO_SOON;
        }
        v.admitted = true;
        v.admittedNanos = now;
        return Admission.OK;
    }

    /** A report's body could not be read. */
    public void malformed() {
        refused.get("malformed").incrementAndGet();
    }

    /** A report of an admitted session: what it adds since the session's previous one goes to its stream. */
    public synchronized void record(String stream, String session, QualityReport r) {
        long now = nanos.getAsLong();
        Viewer v = viewers.get(session);
        if (v == null || !v.stream.equals(stream)) {
            return; // its session ended between the headers and the body
        }
        long spanMs = v.reported
                ? Math.min(
                        TimeUnit.NANOSECONDS.toMillis(now - v.lastNanos), TimeUnit.SECONDS.toMillis(MAX_SPAN_SECONDS))
                : 0;
        long bound = spanMs + SLACK_MS;
        long dFreezeMs = Math.min(delta(r.freezeMs(), v.freezeMs), bound);
        long dFreezes = Math.min(delta(r.freezes(), v.freezes), bound / MIN_FREEZE_MS);
        long maxPackets = bound * MAX_PACKETS_PER_SECOND / 1000;
        long dLost = Math.min(delta(r.lost(), v.lost), maxPackets);
        long dReceived = Math.min(delta(r.received(), v.received), maxPackets);
        v.freezes = r.freezes();
        v.freezeMs = r.freezeMs();
        v.lost = r.lost();
        v.received = r.received();
        v.lastNanos = now;
        v.reported = true;
        StreamQuality q = streams.computeIfAbsent(stream, s -> new StreamQuality());
        q.add(now, spanMs, dFreezes, dFreezeMs, Math.min(r.stallMs(), bound), dLost, dReceived);
        if (r.joinMs() >= 0 && !v.joined) {
            v.joined = true;
            q.join(now, r.joinMs());
        }
        if (now - sweptNanos > TimeUnit.SECONDS.toNanos(5)) {
            sweep(now, false);
        }
    }

    /** A count that went down (a page that started over) starts its session's count afresh. */
    private static long delta(long now, long before) {
        return now >= before ? now - before : now;
    }

    /** Drops sessions that ended, and (all, or when full) those silent for a minute. */
    private void sweep(long now, boolean full) {
        sweptNanos = now;
        for (Iterator<Map.Entry<String, Viewer>> it = viewers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Viewer> e = it.next();
            boolean silent = now - e.getValue().admittedNanos > TimeUnit.SECONDS.toNanos(60);
            if (!sessionExists.test(e.getValue().stream, e.getKey()) || (full && silent)) {
                it.remove();
            }
        }
    }

    /** Streams that left the catalog (not in {@code names}) take their figures and series with them. */
    public synchronized void retain(Collection<String> names) {
        streams.keySet().retainAll(names);
        viewers.values().removeIf(v -> !names.contains(v.stream));
    }

    /** Sessions of the stream that reported within the last 25 s. */
    private int reporting(String stream, long now) {
        int n = 0;
        for (Viewer v : viewers.values()) {
            if (v.reported
                    && v.stream.equals(stream)
                    && now - v.lastNanos <= TimeUnit.SECONDS.toNanos(REPORTING_SECONDS)) {
                n++;
            }
        }
        return n;
    }

    /**
     * The stream's {@code viewerQuality} in /api/status: its last five minutes (null figures where
     * nothing was reported); the totals are the counter table's.
     */
    public synchronized Map<String, Object> status(String stream) {
        long now = nanos.getAsLong();
        StreamQuality q = streams.get(stream);
        StreamQuality.Window w = q == null ? EMPTY : q.window(now);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("windowSeconds", StreamQuality.WINDOW_SECONDS);
        out.put("reporting", reporting(stream, now));
        out.put("viewerMinutes", round(w.viewerMs() / 60_000.0, 2));
        out.put("freezes", w.freezes());
        out.put("freezeSeconds", round(w.freezeMs() / 1000.0, 1));
        out.put("freezesPerViewerMinute", w.viewerMs() == 0 ? null : round(w.freezes() * 60_000.0 / w.viewerMs(), 2));
        out.put("longestStallMs", w.viewerMs() == 0 && w.longestStallMs() == 0 ? null : w.longestStallMs());
        out.put("joins", w.joins());
        out.put("joinP50Ms", w.joins() == 0 ? null : w.joinP50Ms());
        out.put("joinP95Ms", w.joins() == 0 ? null : w.joinP95Ms());
        long packets = w.lost() + w.received();
        out.put("lossPercent", packets == 0 ? null : round(100.0 * w.lost() / packets, 2));
        return out;
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    /** Its series in the gateway's counter table (read when /metrics or /api/status is). */
    public void registerIn(CounterTable table) {
        table.registerByLabel(REPORTS, () -> totals(q -> q.reports));
        table.registerByLabel(REPORTING, this::reportingByStream);
        table.registerByLabel(REPORTED_SECONDS, () -> totals(q -> q.viewerMs / 1000));
        table.registerByLabel(FREEZES, () -> totals(q -> q.freezes));
        table.registerByLabel(FREEZE_MS, () -> totals(q -> q.freezeMs));
        table.registerByLabel(JOINS, () -> totals(q -> q.joins));
        table.registerByLabel(JOIN_MS, () -> totals(q -> q.joinMsSum));
        table.registerByLabel(LOST, () -> totals(q -> q.lost));
        table.registerByLabel(RECEIVED, () -> totals(q -> q.received));
        table.registerByLabel(LONGEST_STALL, () -> windows(w -> w.longestStallMs(), false));
        table.registerByLabel(JOIN_P50, () -> windows(w -> w.joinP50Ms(), true));
        table.registerByLabel(JOIN_P95, () -> windows(w -> w.joinP95Ms(), true));
        table.registerByLabel(REFUSED, () -> {
            Map<String, Long> out = new LinkedHashMap<>();
            refused.forEach((reason, n) -> out.put(reason, n.get()));
            return out;
        });
    }

    private synchronized Map<String, Long> totals(ToLongFunction<StreamQuality> value) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String name : streamNames.get()) {
            StreamQuality q = streams.get(name);
            out.put(name, q == null ? 0 : value.applyAsLong(q));
        }
        return out;
    }

    private synchronized Map<String, Long> reportingByStream() {
        long now = nanos.getAsLong();
        Map<String, Long> out = new LinkedHashMap<>();
        streamNames.get().forEach(name -> out.put(name, (long) reporting(name, now)));
        return out;
    }

    private synchronized Map<String, Long> windows(ToLongFunction<StreamQuality.Window> value, boolean onlyWithJoins) {
        long now = nanos.getAsLong();
        Map<String, Long> out = new LinkedHashMap<>();
        for (String name : streamNames.get()) {
            StreamQuality q = streams.get(name);
            StreamQuality.Window w = q == null ? EMPTY : q.window(now);
            if (!onlyWithJoins || w.joins() > 0) {
                out.put(name, value.applyAsLong(w));
            }
        }
        return out;
    }
}
