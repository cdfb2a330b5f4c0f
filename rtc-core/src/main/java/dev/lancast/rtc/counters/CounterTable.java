package dev.lancast.rtc.counters;

import java.util.ArrayList;
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
 * single-writer rule there), or a callback that reads a component's existing getter at scrape
 * time ({@link #register(CounterDescriptor, LongSupplier)} and its labelled forms), for components
 * that keep their own counts. Two descriptors with one metric name, or with one status key,
 * are refused, as is a second source for a descriptor (or a label value) that has one.
 *
 * <p>Registration and reads take the table's lock; counting never does (a counter handle is
 * written without the table). Callbacks run outside the lock, on the reading thread.
 */
public final class CounterTable {
    /** One series of a descriptor: its label's value (null when unlabelled) and its value. */
    public record Sample(String labelValue, long value) {
    }

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

    private record Series<T>(Supplier<? extends Collection<T>> items, Function<T, String> label,
                             ToLongFunction<T> value) implements Source {
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
     * The table's own counters of one descriptor, by label value (null key: unlabelled): the map is
     * guarded by the table, the snapshot is replaced under it and read without it.
     */
    private static final class Owned implements Source {
        final Map<String, SingleWriterCounter> counters = new LinkedHashMap<>();
        volatile List<SingleWriterCounter> snapshot = List.of();

        @Override
        public void collect(List<Sample> into) {
            for (SingleWriterCounter c : snapshot) {
                into.add(new Sample(c.labelValue(), c.get()));
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
        Source source = sources.get(descriptor);
        if (source == null) {
            declare(descriptor);
            source = new Owned();
            sources.put(descriptor, source);
        } else if (!(source instanceof Owned)) {
            throw new IllegalArgumentException("counter " + descriptor.name() + " is read from a callback already");
        }
        Owned owned = (Owned) source;
        if (owned.counters.containsKey(labelValue)) {
            throw new IllegalArgumentException("counter " + descriptor.name()
                    + (labelValue == null ? "" : "{" + descriptor.label() + "=\"" + labelValue + "\"}") + " exists already");
        }
        SingleWriterCounter counter = new SingleWriterCounter(descriptor, labelValue, this);
        owned.counters.put(labelValue, counter);
        owned.snapshot = List.copyOf(owned.counters.values());
        return counter;
    }

    /** An unlabelled descriptor read from an existing getter when the table is read. */
    public void register(CounterDescriptor descriptor, LongSupplier value) {
        checkLabel(descriptor, null);
        add(descriptor, new Callback(value));
    }

    /** A labelled descriptor with one series per item (per stream, say), read when the table is read. */
    public <T> void register(CounterDescriptor descriptor, Supplier<? extends Collection<T>> items,
                             Function<T, String> label, ToLongFunction<T> value) {
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
                out.put(d.statusKey(), samples.isEmpty() ? statusValue(d, 0) : statusValue(d, samples.get(0).value()));
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
                out.computeIfAbsent(s.labelValue(), k -> new LinkedHashMap<>()).put(d.statusKey(), statusValue(d, s.value()));
            }
        }
        return out;
    }

    /** How /api/status shows a value: a flag as true/false, anything else as a number. */
    private static Object statusValue(CounterDescriptor d, long value) {
        return d.kind() == CounterDescriptor.Kind.FLAG ? (Object) (value != 0) : (Object) value;
    }

    synchronized void remove(SingleWriterCounter counter) {
        if (sources.get(counter.descriptor()) instanceof Owned owned
                && owned.counters.get(counter.labelValue()) == counter) {
            owned.counters.remove(counter.labelValue());
            owned.snapshot = List.copyOf(owned.counters.values());
        }
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
            throw new IllegalArgumentException("status key " + d.statusKey() + " is taken by another counter: "
                    + statusKeys.get(d.statusKey()));
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
            throw new IllegalArgumentException("counter " + d.name() + " is labelled by " + d.label() + "; give its value");
        }
    }
}
