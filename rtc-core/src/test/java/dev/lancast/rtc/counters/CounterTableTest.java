package dev.lancast.rtc.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.metrics.Metrics;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CounterTableTest {
    private static final CounterDescriptor PACKETS = CounterDescriptor.counter("test_packets", "packets sent")
            .status("packetsSent")
            .labelled("stream");
    private static final CounterDescriptor LIVE =
            CounterDescriptor.flag("test_live", "1 while live").status("live").labelled("stream");
    private static final CounterDescriptor SESSIONS =
            CounterDescriptor.gauge("test_sessions", "sessions now").status("sessions");
    private static final CounterDescriptor DROPPED = CounterDescriptor.counter("test_dropped", "dropped, by reason")
            .status("droppedBy")
            .labelled("reason");
    private static final CounterDescriptor RELOADS = CounterDescriptor.counter("test_reloads", "reloads applied");
    private static final CounterDescriptor NACKED = CounterDescriptor.statusOnly(
                    CounterDescriptor.Kind.COUNTER, "nacked", "packets NACKed")
            .labelled("stream");

    @Test
    void oneWriterManyIncrementsOneReaderSeesThemMonotoneAndTheLastExactly() throws Exception {
        CounterTable table = new CounterTable();
        SingleWriterCounter counter = table.counter(RELOADS);
        long n = 3_000_000;
        AtomicReference<String> readerSaw = new AtomicReference<>();
        AtomicLong reads = new AtomicLong();
        Thread writer = new Thread(
                () -> {
                    for (long i = 0; i < n; i++) {
                        counter.increment();
                    }
                },
                "test-counter-writer");
        Thread reader = new Thread(
                () -> {
                    long last = 0;
                    while (last < n) {
                        long now = counter.get();
                        reads.incrementAndGet();
                        if (now < last || now > n) {
                            readerSaw.set(now + " after " + last);
                            return;
                        }
                        last = now;
                    }
                },
                "test-counter-reader");
        reader.start();
        writer.start();
        writer.join(60_000);
        reader.join(60_000);
        assertFalse(writer.isAlive() || reader.isAlive(), "writer and reader finished");
        assertEquals(null, readerSaw.get(), "the reader saw the counter go down or past the end");
        assertEquals(n, counter.get(), "every increment counted");
        assertEquals(n, table.samples(RELOADS).get(0).value());
        assertTrue(reads.get() > 1, "the reader read while the writer wrote");
    }

    @Test
    void anIncrementAllocatesNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        CounterTable table = new CounterTable();
        SingleWriterCounter counter = table.counter(PACKETS, "main");
        for (int i = 0; i < 200_000; i++) { // warm up: the JIT compiles the loop before it is measured
            counter.increment();
            counter.add(3);
        }
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 1_000_000; i++) {
            counter.increment();
            counter.add(3);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < 64 * 1024, "2,000,000 writes allocated " + allocated + " bytes");
        assertEquals(200_000 * 4 + 1_000_000 * 4, counter.get());
    }

    @Test
    void aSecondWriterThreadIsCaughtWithAssertionsOn() throws Exception {
        SingleWriterCounter counter = new CounterTable().counter(RELOADS);
        counter.increment();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread other = new Thread(
                () -> {
                    try {
                        counter.increment();
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                },
                "test-second-writer");
        other.start();
        other.join();
        assertTrue(failure.get() instanceof AssertionError, "a write from a second thread fails: " + failure.get());
        assertTrue(
                failure.get().getMessage().contains("test-second-writer"),
                failure.get().getMessage());
        assertEquals(1, counter.get());
    }

    @Test
    void bothExportsShowTheSameValuesUnderTheirNames() {
        CounterTable table = new CounterTable();
        SingleWriterCounter main = table.counter(PACKETS, "main");
        SingleWriterCounter second = table.counter(PACKETS, "second");
        main.add(41);
        main.increment();
        second.increment();
        table.register(LIVE, () -> List.of("main", "second"), s -> s, s -> s.equals("main") ? 1 : 0);
        SingleWriterCounter sessions = table.counter(SESSIONS);
        sessions.set(7);
        sessions.set(5);
        Map<String, Long> drops = new LinkedHashMap<>();
        drops.put("auth_failed", 3L);
        drops.put("malformed", 0L);
        table.registerByLabel(DROPPED, () -> drops);
        table.register(RELOADS, () -> 2);
        table.register(NACKED, () -> List.of("main"), s -> s, s -> 9);

        String text = new String(new Metrics(table).scrape().body(), StandardCharsets.UTF_8);
        assertTrue(text.contains("# HELP test_packets_total packets sent\n# TYPE test_packets_total counter\n"), text);
        assertTrue(text.contains("\ntest_packets_total{stream=\"main\"} 42.0\n"), text);
        assertTrue(text.contains("\ntest_packets_total{stream=\"second\"} 1.0\n"), text);
        assertTrue(text.contains("# HELP test_live 1 while live\n# TYPE test_live gauge\n"), text);
        assertTrue(text.contains("\ntest_live{stream=\"main\"} 1.0\n"), text);
        assertTrue(text.contains("\ntest_live{stream=\"second\"} 0.0\n"), text);
        assertTrue(text.contains("\ntest_sessions 5.0\n"), text);
        assertTrue(text.contains("\ntest_dropped_total{reason=\"auth_failed\"} 3.0\n"), text);
        assertTrue(text.contains("\ntest_dropped_total{reason=\"malformed\"} 0.0\n"), text);
        assertTrue(text.contains("\ntest_reloads_total 2.0\n"), text);
        assertFalse(text.contains("nacked"), "a status-only counter is not in /metrics");
        assertTrue(text.contains("jvm_memory_used_bytes"), "the JVM's metrics too");

        assertEquals(
                Map.of("sessions", 5L, "droppedBy", Map.of("auth_failed", 3L, "malformed", 0L)),
                table.status("stream"),
                "RELOADS has no status key; stream counters are grouped");
        Map<String, Map<String, Object>> streams = table.statusBy("stream");
        assertEquals(Map.of("packetsSent", 42L, "live", true, "nacked", 9L), streams.get("main"));
        assertEquals(Map.of("packetsSent", 1L, "live", false), streams.get("second"));
        assertEquals(List.of(PACKETS, LIVE, SESSIONS, DROPPED, RELOADS, NACKED), table.descriptors());
    }

    @Test
    void aNameOrKeyIsTakenOnceAndADescriptorHasOneSource() {
        CounterTable table = new CounterTable();
        table.counter(PACKETS, "main");
        table.register(RELOADS, () -> 1);
        table.counter(SESSIONS);
        IllegalArgumentException sameName = assertThrows(
                IllegalArgumentException.class,
                () -> table.register(CounterDescriptor.gauge("test_packets", "another meaning"), () -> 0));
        assertTrue(sameName.getMessage().contains("metric name test_packets is taken"), sameName.getMessage());
        IllegalArgumentException sameKey = assertThrows(
                IllegalArgumentException.class,
                () -> table.register(
                        CounterDescriptor.statusOnly(CounterDescriptor.Kind.GAUGE, "sessions", "again"), () -> 0));
        assertTrue(sameKey.getMessage().contains("status key sessions is taken"), sameKey.getMessage());
        assertThrows(
                IllegalArgumentException.class, () -> table.counter(PACKETS, "main"), "one series per label value");
        assertThrows(IllegalArgumentException.class, () -> table.register(RELOADS, () -> 2), "one callback");
        assertThrows(IllegalArgumentException.class, () -> table.counter(RELOADS), "a callback or counters, not both");
        assertThrows(IllegalArgumentException.class, () -> table.counter(SESSIONS), "one unlabelled series");
        assertThrows(IllegalArgumentException.class, () -> table.counter(PACKETS), "a labelled counter needs a value");
        assertThrows(IllegalArgumentException.class, () -> table.counter(RELOADS, "x"), "an unlabelled one takes none");
        assertEquals(List.of(PACKETS, RELOADS, SESSIONS), table.descriptors(), "refusals left the table as it was");
    }

    @Test
    void aClosedCounterLeavesTheTableAndItsLabelValueCanComeBack() {
        CounterTable table = new CounterTable();
        SingleWriterCounter main = table.counter(PACKETS, "main");
        table.counter(PACKETS, "second").increment();
        main.add(5);
        main.close();
        assertEquals(List.of(new CounterTable.Sample("second", 1)), table.samples(PACKETS));
        assertEquals(5, main.get(), "its last value stays readable");
        SingleWriterCounter again = table.counter(PACKETS, "main");
        assertEquals(
                List.of(new CounterTable.Sample("second", 1), new CounterTable.Sample("main", 0)),
                table.samples(PACKETS));
        main.close();
        assertEquals(2, table.samples(PACKETS).size(), "closing the old one again leaves the new one be");
        again.close();
    }

    @Test
    void twoWritersCellsOfOneSeriesAreSummedMonotoneAndExact() throws Exception {
        CounterTable table = new CounterTable();
        long n = 2_000_000;
        SingleWriterCounter[] cells = {table.cell(PACKETS, "main"), table.cell(PACKETS, "main")};
        AtomicReference<String> readerSaw = new AtomicReference<>();
        AtomicLong reads = new AtomicLong();
        Thread[] writers = new Thread[2];
        for (int w = 0; w < 2; w++) {
            SingleWriterCounter mine = cells[w];
            writers[w] = new Thread(
                    () -> {
                        for (long i = 0; i < n; i++) {
                            mine.increment();
                        }
                    },
                    "test-cell-writer-" + w);
        }
        Thread reader = new Thread(
                () -> {
                    long last = 0;
                    while (last < 2 * n) {
                        List<CounterTable.Sample> samples = table.samples(PACKETS);
                        long now = samples.get(0).value();
                        reads.incrementAndGet();
                        if (samples.size() != 1 || now < last || now > 2 * n) {
                            readerSaw.set(samples + " after " + last);
                            return;
                        }
                        last = now;
                    }
                },
                "test-cell-reader");
        reader.start();
        for (Thread w : writers) {
            w.start();
        }
        for (Thread w : writers) {
            w.join(60_000);
        }
        reader.join(60_000);
        assertFalse(writers[0].isAlive() || writers[1].isAlive() || reader.isAlive(), "writers and reader finished");
        assertEquals(null, readerSaw.get(), "one series whose sum never went down nor past the end");
        assertEquals(
                List.of(new CounterTable.Sample("main", 2 * n)), table.samples(PACKETS), "every increment counted");
        assertTrue(reads.get() > 1, "the reader read while the writers wrote");
        assertEquals(Map.of("main", Map.of("packetsSent", 2 * n)), table.statusBy("stream"));
    }

    @Test
    void aClosedCellKeepsItsCountInACounterTakesItsValueFromAGaugeAndTheLastTakesTheSeries() {
        CounterTable table = new CounterTable();
        SingleWriterCounter a = table.cell(PACKETS, "main");
        SingleWriterCounter b = table.cell(PACKETS, "main");
        SingleWriterCounter other = table.cell(PACKETS, "second");
        a.add(5);
        b.add(7);
        other.increment();
        a.close();
        assertEquals(
                List.of(new CounterTable.Sample("main", 12), new CounterTable.Sample("second", 1)),
                table.samples(PACKETS),
                "a viewer's loop leaving does not make the counter go down");
        a.close();
        assertEquals(12, table.samples(PACKETS).get(0).value(), "closing twice counts it once");
        b.increment();
        SingleWriterCounter c = table.cell(PACKETS, "main");
        c.add(2);
        assertEquals(15, table.samples(PACKETS).get(0).value(), "a new cell adds to what the series had");
        b.close();
        c.close();
        assertEquals(
                List.of(new CounterTable.Sample("second", 1)),
                table.samples(PACKETS),
                "the series went with its last cell (its stream ended)");
        assertEquals(0, table.cell(PACKETS, "main").get(), "and comes back from 0");

        CounterDescriptor viewers =
                CounterDescriptor.gauge("test_viewers", "viewers now").labelled("stream");
        SingleWriterCounter loop0 = table.cell(viewers, "main");
        SingleWriterCounter loop1 = table.cell(viewers, "main");
        loop0.set(3);
        loop1.set(4);
        assertEquals(7, table.samples(viewers).get(0).value());
        loop1.close();
        assertEquals(3, table.samples(viewers).get(0).value(), "a gauge's closed cell is no longer part of now");
    }

    @Test
    void aSeriesIsEitherOneCounterOrCells() {
        CounterTable table = new CounterTable();
        table.counter(PACKETS, "main");
        table.cell(PACKETS, "second");
        IllegalArgumentException shared =
                assertThrows(IllegalArgumentException.class, () -> table.cell(PACKETS, "main"));
        assertTrue(
                shared.getMessage().contains("test_packets{stream=\"main\"} has one writer already"),
                shared.getMessage());
        assertThrows(
                IllegalArgumentException.class, () -> table.counter(PACKETS, "second"), "cells are not one counter");
        table.register(RELOADS, () -> 1);
        assertThrows(IllegalArgumentException.class, () -> table.cell(RELOADS), "a callback or cells, not both");
        assertThrows(IllegalArgumentException.class, () -> table.cell(PACKETS), "a labelled cell needs a value");
    }

    @Test
    void aCellsIncrementAllocatesNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        CounterTable table = new CounterTable();
        table.cell(PACKETS, "main");
        SingleWriterCounter cell = table.cell(PACKETS, "main");
        for (int i = 0; i < 200_000; i++) {
            cell.increment();
        }
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 1_000_000; i++) {
            cell.increment();
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < 64 * 1024, "1,000,000 writes allocated " + allocated + " bytes");
        assertEquals(1_200_000, table.samples(PACKETS).get(0).value());
    }

    @Test
    void descriptorsThatCannotBeExportedAreRefused() {
        assertThrows(
                IllegalArgumentException.class, () -> CounterDescriptor.counter("x_total", "help"), "_total is added");
        assertThrows(IllegalArgumentException.class, () -> CounterDescriptor.counter("x-y", "help"));
        assertThrows(IllegalArgumentException.class, () -> CounterDescriptor.counter("x", " "));
        assertThrows(IllegalArgumentException.class, () -> CounterDescriptor.counter("x", "two\nlines"));
        assertThrows(
                IllegalArgumentException.class,
                () -> CounterDescriptor.counter("x", "h").labelled("le"));
        assertThrows(
                IllegalArgumentException.class,
                () -> CounterDescriptor.counter("x", "h").labelled("__name"));
        assertThrows(
                IllegalArgumentException.class,
                () -> CounterDescriptor.counter("x", "h").status("a-b"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new CounterDescriptor(null, "h", null, CounterDescriptor.Kind.COUNTER, null));
        assertEquals(
                "x_total",
                CounterDescriptor.gauge("x_total", "a gauge may end so").metricName());
    }
}
