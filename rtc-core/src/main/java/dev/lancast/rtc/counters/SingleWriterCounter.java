package dev.lancast.rtc.counters;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One series of a {@link CounterTable}, written by exactly one thread and read by any.
 *
 * <p>The rule: a counter has one writer, the thread that owns what it counts (the media loop of a
 * stream, say), and only that thread calls {@link #increment}, {@link #add} or {@link #set}. The
 * writer reads its own last value plainly and publishes the new one with a release store, so an
 * increment is a load, an add and a store: no lock, no CAS, no striping (no {@code LongAdder}),
 * no allocation. Any other thread (a scrape of /metrics, /api/status) reads with an acquire load
 * and sees a whole, recent value; the values one reader sees never go down for a counter. Counts
 * made by several threads do not share one: a lost update would go unseen; each thread takes
 * its own {@link CounterTable#cell cell} of the series instead. With assertions on
 * (tests), the first thread that writes becomes the owner and a write from another one fails.
 */
public final class SingleWriterCounter implements AutoCloseable {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(SingleWriterCounter.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final CounterDescriptor descriptor;
    private final String labelValue;
    private final CounterTable table;
    /** Written by the owner only (plain read, release store); read by others with an acquire load. */
    private long value;
    /** The owner, for the assertion only (tests run with -ea); null until the first write. */
    private Thread writer;

    SingleWriterCounter(CounterDescriptor descriptor, String labelValue, CounterTable table) {
        this.descriptor = descriptor;
        this.labelValue = labelValue;
        this.table = table;
    }

    /** Adds one. Owner thread only. */
    public void increment() {
        assert writtenByOwner();
        VALUE.setRelease(this, value + 1);
    }

    /** Adds delta (not negative for a counter). Owner thread only. */
    public void add(long delta) {
        assert writtenByOwner();
        VALUE.setRelease(this, value + delta);
    }

    /** Sets a gauge. Owner thread only. */
    public void set(long next) {
        assert writtenByOwner();
        VALUE.setRelease(this, next);
    }

    /** The value now; any thread. */
    public long get() {
        return (long) VALUE.getAcquire(this);
    }

    public CounterDescriptor descriptor() {
        return descriptor;
    }

    /** The label's value of this series; null for an unlabelled counter. */
    public String labelValue() {
        return labelValue;
    }

    /**
     * Takes the series out of the table (its stream has gone, say), or this cell out of its series
     * ({@link CounterTable#cell}); its last value stays readable here.
     */
    @Override
    public void close() {
        table.remove(this);
    }

    private boolean writtenByOwner() {
        Thread current = Thread.currentThread();
        if (writer == null) {
            writer = current;
        } else if (writer != current) {
            throw new AssertionError("counter " + descriptor.name() + (labelValue == null ? "" : "{" + labelValue + "}")
                    + " is written by " + writer.getName() + "; " + current.getName() + " may not write it too");
        }
        return true;
    }
}
