package dev.lancast.rtc.metrics;

import dev.lancast.rtc.http.Response;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * A process's Prometheus metrics, read from the counters the components keep anyway (callbacks
 * at scrape time, so the media path pays nothing for them), plus the JVM's.
 */
public final class Metrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = new PrometheusTextFormatWriter(false);

    public Metrics() {
        JvmMetrics.builder().register(registry);
    }

    public void counter(String name, String help, DoubleSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    public void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    /** A counter with one series per item (per stream, say), labelled by the label function. */
    public <T> void counter(String name, String help, String labelName, Supplier<Collection<T>> items,
                            Function<T, String> label, ToDoubleFunction<T> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames(labelName).callback(cb -> {
            for (T item : items.get()) {
                cb.call(value.applyAsDouble(item), label.apply(item));
            }
        }).register(registry);
    }

    public <T> void gauge(String name, String help, String labelName, Supplier<Collection<T>> items,
                          Function<T, String> label, ToDoubleFunction<T> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames(labelName).callback(cb -> {
            for (T item : items.get()) {
                cb.call(value.applyAsDouble(item), label.apply(item));
            }
        }).register(registry);
    }

    /** A counter whose series are the entries of a map (reason to count, say). */
    public void counterByLabel(String name, String help, String labelName, Supplier<Map<String, Long>> values) {
        CounterWithCallback.builder().name(name).help(help).labelNames(labelName).callback(cb ->
                values.get().forEach((label, value) -> cb.call(value, label))).register(registry);
    }

    /** The text exposition format, for GET /metrics. */
    public Response scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16384);
        try {
            writer.write(out, registry.scrape(), io.prometheus.metrics.config.EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Response(200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray(), Map.of());
    }
}
