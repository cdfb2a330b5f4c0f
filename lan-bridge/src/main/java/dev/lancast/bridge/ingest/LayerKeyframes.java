package dev.lancast.bridge.ingest;

import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.media.Track;
import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;

/**
 * A stream's keyframe requests to its broadcaster, per video layer: a PLI names one layer's SSRC,
 * and a simulcast encoder answers with a keyframe of that layer only. Each layer has the stream's
 * budget ({@link KeyframeBudget}, {@code keyframeIntervalMs}) however many gateways and viewers
 * ask; a request beyond it waits and is merged with the others meanwhile. A layer whose last
 * keyframe is older than the stream's refresh time is asked for one, so that gateways can switch
 * viewers to it from their caches. Media loop only.
 */
final class LayerKeyframes {
    private final EventLoop loop;
    private final LongSupplier clock;
    private final long intervalMs;
    private final KeyframeBudget[] budgets = new KeyframeBudget[Track.MAX_LAYERS];
    private final boolean[] pending = new boolean[Track.MAX_LAYERS];
    /** Sends a PLI for a layer; false when there is no broadcaster (or no SSRC of that layer yet) to ask. */
    private final IntPredicate sendPli;

    private final SingleWriterCounter received;
    private final SingleWriterCounter sent;
    private final SingleWriterCounter deferred;

    LayerKeyframes(
            EventLoop loop,
            LongSupplier clock,
            long intervalMs,
            IntPredicate sendPli,
            SingleWriterCounter received,
            SingleWriterCounter sent,
            SingleWriterCounter deferred) {
        this.loop = loop;
        this.clock = clock;
        this.intervalMs = intervalMs;
        this.sendPli = sendPli;
        this.received = received;
        this.sent = sent;
        this.deferred = deferred;
        reset();
    }

    /** A new encoder (a broadcaster took over): its budgets start afresh. */
    void reset() {
        long now = clock.getAsLong();
        for (int layer = 0; layer < budgets.length; layer++) {
            budgets[layer] = new KeyframeBudget(intervalMs, now);
        }
    }

    /** A gateway (or a new broadcaster) asks for a keyframe of a layer: sent within the layer's budget. */
    void request(int layer) {
        assert loop.inEventLoop();
        received.increment();
        ask(layer);
    }

    private void ask(int layer) {
        if (pending[layer]) {
            return;
        }
        long now = clock.getAsLong();
        KeyframeBudget budget = budgets[layer];
        long wait = budget.waitNanos(now);
        if (budget.heldBySustainedBudget(wait, now)) {
            deferred.increment();
        }
        if (wait == 0) {
            send(layer);
        } else {
            pending[layer] = true;
            loop.schedule(
                    () -> {
                        pending[layer] = false;
                        send(layer);
                    },
                    wait,
                    TimeUnit.NANOSECONDS);
        }
    }

    private void send(int layer) {
        if (sendPli.test(layer)) {
            budgets[layer].sent(clock.getAsLong());
            sent.increment();
        }
    }

    /**
     * Once a second: each layer the broadcaster sends that had no keyframe for refreshMs (0: never)
     * is asked for one. A layer that never had one is left to the encoder's first keyframe.
     */
    void refresh(IngestPipelines pipelines, int layers, long refreshMs) {
        if (refreshMs <= 0 || pipelines == null) {
            return;
        }
        long now = clock.getAsLong();
        long refreshNanos = TimeUnit.MILLISECONDS.toNanos(refreshMs);
        for (int layer = 0; layer < layers; layer++) {
            LayerMeter meter = pipelines.meter(layer);
            if (meter != null && meter.sinceKeyframe(now) > refreshNanos) {
                ask(layer);
            }
        }
    }
}
