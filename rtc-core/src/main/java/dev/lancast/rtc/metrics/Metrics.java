package dev.lancast.rtc.metrics;

import dev.lancast.rtc.counters.CounterDescriptor;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.http.Response;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A process's Prometheus metrics: every descriptor of its {@link CounterTable} that has a metric
 * name, read from the table at scrape time (so the media path pays nothing for them and a series
 * added later, a new stream's, shows up by itself), plus the JVM's.
 */
public final class Metrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = new PrometheusTextFormatWriter(false);
    private final CounterTable table;

    public Metrics(CounterTable table) {
        this.table = table;
        JvmMetrics.builder().register(registry);
        registry.register(this::collect);
    }

    private MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        for (CounterDescriptor d : table.descriptors()) {
            if (d.metricName() != null) {
                out.add(snapshot(d, table.samples(d)));
            }
        }
        return new MetricSnapshots(out);
    }

    private static MetricSnapshot snapshot(CounterDescriptor d, List<CounterTable.Sample> samples) {
        if (d.kind() == CounterDescriptor.Kind.COUNTER) {
            CounterSnapshot.Builder b =
                    CounterSnapshot.builder().name(d.metricName()).help(d.help());
            for (CounterTable.Sample s : samples) {
                b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                        .value(s.value())
                        .labels(labels(d, s))
                        .build());
            }
            return b.build();
        }
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(d.metricName()).help(d.help());
        for (CounterTable.Sample s : samples) {
            b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .value(s.value())
                    .labels(labels(d, s))
                    .build());
        }
        return b.build();
    }

    private static Labels labels(CounterDescriptor d, CounterTable.Sample s) {
        return d.label() == null ? Labels.EMPTY : Labels.of(d.label(), s.labelValue());
    }

    /** The text exposition format, for GET /metrics. */
    public Response scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16384);
        try {
            writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Response(200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray(), Map.of());
    }
}
