package dev.lancast.rtc.counters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * A process's one table of counters: every count an operator sees, by its {@link CounterDescriptor}.
 * {@code /metrics} ({@code dev.lancast.rtc.metrics.Metrics}) and {@code /api/status}
 * ({@link #status}, {@link #statusBy}) are both generated from it, so they show the same value
 * under the same descriptor.
 *
 * <p>A descriptor gets its values from one source: {@link SingleWriterCounter}s the table hands
 * out ({@link #counter(CounterDescriptor)}, one per label value; the way for new code: see the
 * single-writer rule there; or {@link #cell}s, one per writing thread, summed, for a series
 * that several media loops count), or a callback that reads a component's existing getter at scrape
 * time ({@link #register(CounterDescriptor, LongSupplier)} and its labelled forms), for components
 * that keep their own counts. Two descriptors with one metric name, or with one status key,
 * are refused, as is a second source for a descriptor (or a label value) that has one.
 *
 * <p>Registration and reads take the table's lock; counting never does (a counter handle is
 * written without the table). Callbacks run outside the lock, on the reading thread.
 */
public final class CounterTable {
    /** One series of a descriptor: its label's value (null when unlabelled) and its value. */
    public record Sample(String labelValue, long value) {}

    /** Where a descriptor's samples come from. */
    private interface Source {
        void collect(List<Sample> into);
    }

    private record Callback(LongSupplier value) implements Source {
        @Override
        public void collect(List<Sample> into) {
            into.add(new Sample(null, value.getAsLong()));
        }
    }

    private record Series<T>(
            Supplier<? extends Collection<T>> items, Function<T, String> label, ToLongFunction<T> value)
            implements Source {
        @Override
        public void collect(List<Sample> into) {
            for (T item : items.get()) {
                into.add(new Sample(label.apply(item), value.applyAsLong(item)));
            }
        }
    }

    private record ByLabel(Supplier<Map<String, Long>> values) implements Source {
        @Override
        public void collect(List<Sample> into) {
            values.get().forEach((label, value) -> into.add(new Sample(label, value)));
        }
    }

    /**
     * One label value's series of the table's own counters: its cells (one, for a
     * {@link #counter(CounterDescriptor, String) counter}; one per writer for
     * {@link #cell(CounterDescriptor, String) cells}) and what closed cells had counted. Immutable;
     * replaced under the table's lock.
     */
    private record Entry(String labelValue, boolean shared, long retired, SingleWriterCounter[] cells) {
        long value() {
            long sum = retired;
            for (SingleWriterCounter c : cells) {
                sum += c.get();
            }
            return sum;
        }
    }

    /**
     * The table's own counters of one descriptor, by label value (null key: unlabelled): the map is
     * guarded by the table, the snapshot is replaced under it and read without it.
     */
    private static final class Owned implements Source {
        final Map<String, Entry> entries = new LinkedHashMap<>();
        volatile List<Entry> snapshot = List.of();

        void put(Entry e) {
            entries.put(e.labelValue(), e);
            snapshot = List.copyOf(entries.values());
        }

        void remove(String labelValue) {
            entries.remove(labelValue);
            snapshot = List.copyOf(entries.values());
        }

        @Override
        public void collect(List<Sample> into) {
            for (Entry e : snapshot) {
                into.add(new Sample(e.labelValue(), e.value()));
            }
        }
    }

    private final Map<CounterDescriptor, Source> sources = new LinkedHashMap<>();
    private final Map<String, CounterDescriptor> metricNames = new LinkedHashMap<>();
    /** Status keys are unique in the whole table, wherever status() or statusBy() puts them. */
    private final Map<String, CounterDescriptor> statusKeys = new LinkedHashMap<>();

    /** A new unlabelled counter of this table, for its one writer. */
    public SingleWriterCounter counter(CounterDescriptor descriptor) {
        return counter(descriptor, null);
    }

    /**
     * A new series of a labelled descriptor (the stream "main" of packets forwarded, say), for its one
     * writer; close it when what it counts goes away. The same label value twice is refused.
     */
    public synchronized SingleWriterCounter counter(CounterDescriptor descriptor, String labelValue) {
        checkLabel(descriptor, labelValue);
        Owned owned = owned(descriptor);
        if (owned.entries.containsKey(labelValue)) {
            throw new IllegalArgumentException("counter " + series(descriptor, labelValue) + " exists already");
        }
        SingleWriterCounter counter = new SingleWriterCounter(descriptor, labelValue, this);
        owned.put(new Entry(labelValue, false, 0, new SingleWriterCounter[] {counter}));
        return counter;
    }

    /**
     * One writer's cell of a series that several threads count (a stream's viewer NACKs, counted by
     * each media loop that has viewers of it): each writer takes its own cell, writes it under the
     * single-writer rule, and the series is the sum of its cells. So counting stays a plain load and
     * a release store, with no CAS or striping, and the sum a reader sees never goes down, since
     * each cell only goes up.
     *
     * <p>When a cell is closed (its loop's part of the stream goes) while others remain, a
     * {@link CounterDescriptor.Kind#COUNTER}'s series keeps what the cell counted: a Prometheus
     * counter must not go down because one of its writers left. A gauge's or flag's cell takes its
     * value with it (it is a part of "now"). The series leaves the table when its last cell closes,
     * as a counter's series does when closed. Writes to a cell after its close are not counted.
     */
    public synchronized SingleWriterCounter cell(CounterDescriptor descriptor, String labelValue) {
        checkLabel(descriptor, labelValue);
        Owned owned = owned(descriptor);
        Entry e = owned.entries.get(labelValue);
        if (e != null && !e.shared()) {
            throw new IllegalArgumentException("counter " + series(descriptor, labelValue)
                    + " has one writer already; it cannot be shared by cells");
        }
        SingleWriterCounter cell = new SingleWriterCounter(descriptor, labelValue, this);
        SingleWriterCounter[] cells =
                e == null ? new SingleWriterCounter[] {cell} : Arrays.copyOf(e.cells(), e.cells().length + 1);
        cells[cells.length - 1] = cell;
        owned.put(new Entry(labelValue, true, e == null ? 0 : e.retired(), cells));
        return cell;
    }

    /** An unlabelled descriptor's cell (see {@link #cell(CounterDescriptor, String)}). */
    public SingleWriterCounter cell(CounterDescriptor descriptor) {
        return cell(descriptor, null);
    }

    /** The table's own counters of the descriptor, declared with the first; refused for one read from a callback. */
    private Owned owned(CounterDescriptor descriptor) {
        Source source = sources.get(descriptor);
        if (source == null) {
            declare(descriptor);
            source = new Owned();
            sources.put(descriptor, source);
        } else if (!(source instanceof Owned)) {
            throw new IllegalArgumentException("counter " + descriptor.name() + " is read from a callback already");
        }
        return (Owned) source;
    }

    private static String series(CounterDescriptor d, String labelValue) {
        return d.name() + (labelValue == null ? "" : "{" + d.label() + "=\"" + labelValue + "\"}");
    }

    /** An unlabelled descriptor read from an existing getter when the table is read. */
    public void register(CounterDescriptor descriptor, LongSupplier value) {
        checkLabel(descriptor, null);
        add(descriptor, new Callback(value));
    }

    /** A labelled descriptor with one series per item (per stream, say), read when the table is read. */
    public <T> void register(
            CounterDescriptor descriptor,
            Supplier<? extends Collection<T>> items,
            Function<T, String> label,
            ToLongFunction<T> value) {
        checkLabel(descriptor, "");
        add(descriptor, new Series<>(items, label, value));
    }

    /** A labelled descriptor whose series are the entries of a map (by reason, say), read when the table is read. */
    public void registerByLabel(CounterDescriptor descriptor, Supplier<Map<String, Long>> values) {
        checkLabel(descriptor, "");
        add(descriptor, new ByLabel(values));
    }

    /** The descriptors, in the order they were registered. */
    public synchronized List<CounterDescriptor> descriptors() {
        return List.copyOf(sources.keySet());
    }

    /** A descriptor's series now (empty for an unknown descriptor). */
    public List<Sample> samples(CounterDescriptor descriptor) {
        Source source;
        synchronized (this) {
            source = sources.get(descriptor);
        }
        List<Sample> out = new ArrayList<>();
        if (source != null) {
            source.collect(out);
        }
        return out;
    }

    /**
     * The top level of /api/status: each descriptor with a status key that is not grouped by the
     * given label, unlabelled ones as their value, labelled ones as a map from label value to value.
     *
     * @param groupedLabel the label whose descriptors {@link #statusBy} renders instead (null: none)
     */
    public Map<String, Object> status(String groupedLabel) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (CounterDescriptor d : descriptors()) {
            if (d.statusKey() == null || (d.label() != null && d.label().equals(groupedLabel))) {
                continue;
            }
            List<Sample> samples = samples(d);
            if (d.label() == null) {
                out.put(
                        d.statusKey(),
                        samples.isEmpty()
                                ? statusValue(d, 0)
                                : statusValue(d, samples.get(0).value()));
            } else {
                Map<String, Object> byLabel = new LinkedHashMap<>();
                samples.forEach(s -> byLabel.put(s.labelValue(), statusValue(d, s.value())));
                out.put(d.statusKey(), byLabel);
            }
        }
        return out;
    }

    /**
     * The descriptors labelled {@code label} for /api/status, grouped by label value: for each
     * stream, say, its status keys and values (to merge into that stream's object).
     */
    public Map<String, Map<String, Object>> statusBy(String label) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (CounterDescriptor d : descriptors()) {
            if (d.statusKey() == null || !label.equals(d.label())) {
                continue;
            }
            for (Sample s : samples(d)) {
                out.computeIfAbsent(s.labelValue(), k -> new LinkedHashMap<>())
                        .put(d.statusKey(), statusValue(d, s.value()));
            }
        }
        return out;
    }

    /** How /api/status shows a value: a flag as true/false, anything else as a number. */
    private static Object statusValue(CounterDescriptor d, long value) {
        return d.kind() == CounterDescriptor.Kind.FLAG ? (Object) (value != 0) : (Object) value;
    }

    /** A closed counter or cell leaves its series (see {@link #cell} for what a cell leaves behind); twice is harmless. */
    synchronized void remove(SingleWriterCounter counter) {
        if (!(sources.get(counter.descriptor()) instanceof Owned owned)) {
            return;
        }
        Entry e = owned.entries.get(counter.labelValue());
        int at = e == null ? -1 : Arrays.asList(e.cells()).indexOf(counter);
        if (at < 0) {
            return;
        }
        if (e.cells().length == 1) {
            owned.remove(counter.labelValue());
            return;
        }
        SingleWriterCounter[] rest = new SingleWriterCounter[e.cells().length - 1];
        System.arraycopy(e.cells(), 0, rest, 0, at);
        System.arraycopy(e.cells(), at + 1, rest, at, rest.length - at);
        long kept = counter.descriptor().kind() == CounterDescriptor.Kind.COUNTER ? counter.get() : 0;
        owned.put(new Entry(e.labelValue(), true, e.retired() + kept, rest));
    }

    private synchronized void add(CounterDescriptor descriptor, Source source) {
        if (sources.containsKey(descriptor)) {
            throw new IllegalArgumentException("counter " + descriptor.name() + " has a source already");
        }
        declare(descriptor);
        sources.put(descriptor, source);
    }

    /** Claims the descriptor's metric name and status key; refuses one that another descriptor has. */
    private void declare(CounterDescriptor d) {
        if (d.metricName() != null && metricNames.containsKey(d.metricName())) {
            throw new IllegalArgumentException("metric name " + d.metricName() + " is taken by another counter: "
                    + metricNames.get(d.metricName()));
        }
        if (d.statusKey() != null && statusKeys.containsKey(d.statusKey())) {
            throw new IllegalArgumentException(
                    "status key " + d.statusKey() + " is taken by another counter: " + statusKeys.get(d.statusKey()));
        }
        if (d.metricName() != null) {
            metricNames.put(d.metricName(), d);
        }
        if (d.statusKey() != null) {
            statusKeys.put(d.statusKey(), d);
        }
    }

    /** labelValue: null for an unlabelled series, "" for "some label" (callbacks), else the value. */
    private static void checkLabel(CounterDescriptor d, String labelValue) {
        if (d.label() == null && labelValue != null) {
            throw new IllegalArgumentException("counter " + d.name() + " has no label");
        }
        if (d.label() != null && labelValue == null) {
            throw new IllegalArgumentException(
                    "counter " + d.name() + " is labelled by " + d.label() + "; give its value");
        }
    }
}
