package dev.lancast.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.catalog.StreamCatalog;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The switching rules of docs/architecture.md ("Layers") on a clock of our own: down at once to
 * what fits, no second step in the switch's own window, up one rung only after the hold and as an
 * experiment whose failure doubles the wait, and a REMB that never moves a viewer down.
 */
class LayerSelectorTest {
    /** Three layers of one temporal layer each: rungs 0 (150 kbit/s), 1 (500 kbit/s), 2 (2.5 Mbit/s). */
    private final LayerLadder ladder = LayerLadder.of(new StreamCatalog.Stream(
            "main",
            true,
            1,
            "127.0.0.1:9",
            List.of(
                    layer(0, "q", 320, 180, 150_000),
                    layer(1, "h", 640, 360, 500_000),
                    layer(2, "f", 1280, 720, 2_500_000)),
            null));

    private long packets;
    private long bytes;

    private static StreamCatalog.Track layer(int layer, String rid, int width, int height, long bitrate) {
        return layer(layer, rid, width, height, bitrate, 1);
    }

    private static StreamCatalog.Track layer(int layer, String rid, int width, int height, long bitrate, int temporal) {
        return new StreamCatalog.Track(
                "video",
                "VP8",
                96,
                90000,
                0,
                null,
                100 + layer,
                "239.255.0." + (layer + 1),
                5004,
                null,
                layer,
                rid,
                width,
                height,
                bitrate,
                temporal);
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** One 500 ms window sent at bps ending at endMs, with RR fraction lost (0..255, -1: no report). */
    private int window(LayerSelector s, long endMs, long bps, int fractionLost, int current) {
        packets += 200;
        bytes += bps / 8 / 2;
        if (fractionLost >= 0) {
            s.onReceiverReport(fractionLost);
        }
        int next = s.evaluate(ms(endMs), packets, bytes, ladder, current);
        if (next != current) {
            s.moved(ms(endMs));
        }
        return next;
    }

    @Test
    void theLadderIsOrderedBySizeAndHasOneRungPerLayerHere() {
        assertEquals(3, ladder.rungs().size());
        assertEquals(2, ladder.top());
        assertEquals(500_000, ladder.rungs().get(1).bitrate());
    }

    @Test
    void downAtOnceToWhatFitsThenNotAgainInTheSwitchesOwnWindow() {
        LayerSelector s = new LayerSelector(0);
        assertEquals(2, s.evaluate(0, 0, 0, ladder, 2), "the first call starts a window");
        // The join's own window (its primer) does not count, however lossy.
        assertEquals(2, window(s, 500, 2_500_000, 200, 2));
        // Half lost at 2.5 Mbit/s: 1.25 Mbit/s got through, 85 % of it is 1.06 Mbit/s: the 500 kbit/s layer.
        int now = window(s, 1500, 2_500_000, 128, 2);
        assertEquals(1, now, "down at once, past what does not fit");
        assertEquals(1, window(s, 2000, 500_000, 128, now), "the switch's own window does not step again");
        assertEquals(0, window(s, 3000, 500_000, 128, 1), "congestion after it does");
    }

    @Test
    void whatGotThroughIsMeasuredAgainstTheLaddersRateOfTheRungWhenItLags() {
        // Three temporal layers each: rungs 0..8, the top layer's at 1, 1.5 and 2.5 Mbit/s.
        LayerLadder temporal = LayerLadder.of(new StreamCatalog.Stream(
                "main",
                true,
                1,
                "127.0.0.1:9",
                List.of(
                        layer(0, "q", 320, 180, 150_000, 3),
                        layer(1, "h", 640, 360, 500_000, 3),
                        layer(2, "f", 1280, 720, 2_500_000, 3)),
                null));
        assertEquals(8, temporal.top());
        // The catalog says 2.5 Mbit/s for the top layer; the publisher has ramped up and 6 Mbit/s are
        // sent; 70 % are lost. By the rate 1.8 Mbit/s got through (85 %: 1.53, the top layer's 1.5
        // Mbit/s rung); in the ladder's units only 0.75 (85 %: 0.64): the 500 kbit/s layer.
        LayerSelector s = new LayerSelector(0);
        s.evaluate(0, 0, 0, temporal, 8);
        s.evaluate(ms(500), 200, 6_000_000 / 16, temporal, 8);
        s.onReceiverReport(179); // 70 %
        int next = s.evaluate(ms(1500), 600, 6_000_000 / 16 + 6_000_000 / 8, temporal, 8);
        assertEquals(5, next, "to the 640x360 layer, not to the top layer's thinned rungs");
    }

    @Test
    void upOnlyAfterTheHoldAsAnExperimentWhoseFailureDoublesTheWait() {
        LayerSelector s = new LayerSelector(0);
        s.evaluate(0, 0, 0, ladder, 2);
        window(s, 500, 2_500_000, -1, 2);
        int rung = window(s, 1500, 2_500_000, 128, 2);
        assertEquals(1, rung);
        long downAt = 1500;
        long t = downAt;
        while (t < downAt + LayerSelector.UP_HOLD_MS - 500) {
            t += 500;
            assertEquals(1, window(s, t, 500_000, 0, rung), "clean, but within the hold after a step down: at " + t);
        }
        int up = rung;
        while (up == rung && t < downAt + LayerSelector.UP_HOLD_MS + 2_000) {
            t += 500;
            up = window(s, t, 500_000, 0, rung);
        }
        assertEquals(2, up, "one rung up after the hold");
        long upAt = t;
        assertTrue(upAt >= downAt + LayerSelector.UP_HOLD_MS, "not before the hold: " + (upAt - downAt) + " ms");
        // The experiment fails within its detection time: down again, and the next try waits twice as long.
        t += 500;
        assertEquals(1, window(s, t, 2_500_000, 128, 2), "congestion during the experiment undoes it");
        assertEquals(TimeUnit.MILLISECONDS.toNanos(2 * LayerSelector.UP_HOLD_MS), s.backoffNanos());
        long secondDown = t;
        int again = 1;
        while (again == 1 && t < secondDown + 3 * LayerSelector.UP_HOLD_MS) {
            t += 500;
            again = window(s, t, 500_000, 0, 1);
        }
        assertEquals(2, again);
        assertTrue(
                t - secondDown >= 2 * LayerSelector.UP_HOLD_MS,
                "the second try waited twice the hold: " + (t - secondDown) + " ms");
    }

    @Test
    void aLowRembDoesNotMoveAViewerDownButHoldsItBack() {
        LayerSelector s = new LayerSelector(0);
        s.evaluate(0, 0, 0, ladder, 1);
        s.onRemb(100_000);
        for (long t = 500; t <= 20_000; t += 500) {
            assertEquals(1, window(s, t, 500_000, 0, 1), "a clean link with a REMB under the rate sent stays: " + t);
        }
        s.onRemb(1_000_000);
        int up = 1;
        for (long t = 20_500; t <= 25_000 && up == 1; t += 500) {
            up = window(s, t, 500_000, 0, 1);
        }
        assertEquals(2, up, "up once the REMB no longer says overuse");
    }
}
