package dev.lancast.rtc.counters;

import java.util.regex.Pattern;

/**
 * What one counter is, declared once as a constant by the component that counts it (Aeron's
 * {@code SystemCounterDescriptor} is the model): its Prometheus name and help for {@code /metrics},
 * its key in {@code /api/status}, its kind, and the label its series are told apart by. Both
 * exports are generated from the {@link CounterTable} by these descriptors, so the two cannot name
 * one count differently or drift apart.
 *
 * @param metricName the Prometheus name, without the {@code _total} the exposition format adds to
 *                   counters; null: the count is in {@code /api/status} only
 * @param help       one line for {@code # HELP}
 * @param statusKey  the key in {@code /api/status}; null: the count is in {@code /metrics} only
 * @param kind       what the value means
 * @param label      the label name of a counter with one series per item ({@code stream},
 *                   {@code reason}); null: one unlabelled series
 */
public record CounterDescriptor(String metricName, String help, String statusKey, Kind kind, String label) {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern STATUS_KEY = Pattern.compile("[a-zA-Z][a-zA-Z0-9]*");

    /** What a value means, and so how each export renders it. */
    public enum Kind {
        /** Only goes up (until the process restarts): a Prometheus counter, a number in the status. */
        COUNTER,
        /** Goes up and down (sessions now, bit/s over the last second): a gauge, a number. */
        GAUGE,
        /** 0 or 1: a gauge in Prometheus, {@code true}/{@code false} in the status. */
        FLAG
    }

    public CounterDescriptor {
        if (metricName == null && statusKey == null) {
            throw new IllegalArgumentException("a counter needs a metric name, a status key or both");
        }
        if (kind == null) {
            throw new IllegalArgumentException("counter " + name(metricName, statusKey) + " has no kind");
        }
        if (help == null || help.isBlank() || help.indexOf('\n') >= 0) {
            throw new IllegalArgumentException(
                    "counter " + name(metricName, statusKey) + " needs a one-line help text");
        }
        if (metricName != null) {
            if (!METRIC_NAME.matcher(metricName).matches()) {
                throw new IllegalArgumentException("'" + metricName + "' is not a Prometheus metric name");
            }
            if (kind == Kind.COUNTER && metricName.endsWith("_total")) {
                throw new IllegalArgumentException(
                        "counter " + metricName + ": leave out '_total', the exposition adds it");
            }
        }
        if (statusKey != null && !STATUS_KEY.matcher(statusKey).matches()) {
            throw new IllegalArgumentException(
                    "'" + statusKey + "' is not a status key (letters and digits, camelCase)");
        }
        if (label != null
                && (!LABEL_NAME.matcher(label).matches()
                        || label.startsWith("__")
                        || label.equals("le")
                        || label.equals("quantile"))) {
            throw new IllegalArgumentException(
                    "counter " + name(metricName, statusKey) + ": '" + label + "' is not a usable label name");
        }
    }

    /** A count in both exports (metricName and help; add {@link #status} and {@link #labelled}). */
    public static CounterDescriptor counter(String metricName, String help) {
        return new CounterDescriptor(metricName, help, null, Kind.COUNTER, null);
    }

    public static CounterDescriptor gauge(String metricName, String help) {
        return new CounterDescriptor(metricName, help, null, Kind.GAUGE, null);
    }

    public static CounterDescriptor flag(String metricName, String help) {
        return new CounterDescriptor(metricName, help, null, Kind.FLAG, null);
    }

    /** A count shown in /api/status only. */
    public static CounterDescriptor statusOnly(Kind kind, String statusKey, String help) {
        return new CounterDescriptor(null, help, statusKey, kind, null);
    }

    /** The same counter, shown in /api/status under this key. */
    public CounterDescriptor status(String key) {
        return new CounterDescriptor(metricName, help, key, kind, label);
    }

    /** The same counter with one series per value of this label. */
    public CounterDescriptor labelled(String labelName) {
        return new CounterDescriptor(metricName, help, statusKey, kind, labelName);
    }

    /** The name to quote in messages: the metric name, else the status key. */
    public String name() {
        return name(metricName, statusKey);
    }

    private static String name(String metricName, String statusKey) {
        return metricName != null ? metricName : statusKey;
    }
}
