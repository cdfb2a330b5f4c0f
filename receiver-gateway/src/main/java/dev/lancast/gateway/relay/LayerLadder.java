package dev.lancast.gateway.relay;

import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.media.Track;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The qualities a stream's viewers can be given, lowest first: each active video layer (a
 * simulcast encoding, ordered by what the bridge measured of it: picture size, then bit rate, since
 * RIDs carry no order) at each number of its VP8 temporal layers, with the bit rate it takes.
 * Thinned rungs are estimated with libwebrtc's temporal rate split (three layers: 40 / 60 / 100 %
 * cumulative; two: 60 / 100 %). A rung that needs more than the next layer's full rate but shows
 * fewer pixels per second is still kept: the choice is by bit rate. Immutable, made from each
 * catalog entry on the catalog thread.
 */
final class LayerLadder {
    /** One choice: a layer's slot, the temporal layers sent (0..3; 3 = all), and its bit rate. */
    record Rung(int slot, int maxTemporalLayer, long bitrate, int width, int height, String rid, boolean thinned) {
        String label() {
            String size = width > 0 ? width + "x" + height : rid != null ? rid : Track.slotLabel(slot);
            return thinned ? size + " (" + (maxTemporalLayer + 1) + " of its temporal layers)" : size;
        }
    }

    /** One active layer, lowest first: what a viewer or an API client picks from. */
    record Layer(int slot, String rid, int width, int height, long bitrate, int temporalLayers) {}

    static final LayerLadder NONE = new LayerLadder(List.of(), List.of(), 0, false);
    /** Cumulative share of a layer's bit rate up to each temporal layer, by temporal layer count. */
    private static final double[][] TEMPORAL_SHARE = {{}, {1.0}, {0.6, 1.0}, {0.4, 0.6, 1.0}, {0.25, 0.4, 0.6, 1.0}};
    /** A rung's temporal limit when it sends them all. */
    static final int ALL_TEMPORAL = 3;

    private final List<Layer> layers;
    private final List<Rung> rungs;
    private final int configured;
    private final boolean vp8;

    private LayerLadder(List<Layer> layers, List<Rung> rungs, int configured, boolean vp8) {
        this.layers = List.copyOf(layers);
        this.rungs = List.copyOf(rungs);
        this.configured = configured;
        this.vp8 = vp8;
    }

    static LayerLadder of(StreamCatalog.Stream entry) {
        List<Layer> layers = new ArrayList<>();
        int configured = 0;
        StreamCatalog.Track first = entry.track("video");
        boolean vp8 = first != null && "VP8".equalsIgnoreCase(first.codec());
        for (StreamCatalog.Track t : entry.tracks()) {
            if (!t.kind().equals("video")) {
                continue;
            }
            configured++;
            if (t.active()) {
                layers.add(new Layer(
                        Track.slotOf(Track.Kind.VIDEO, t.layer()),
                        t.rid(),
                        t.width(),
                        t.height(),
                        t.bitrate(),
                        t.temporalLayers()));
            }
        }
        layers.sort(order(layers));
        List<Rung> rungs = new ArrayList<>();
        for (Layer l : layers) {
            int tls = Math.min(l.temporalLayers(), TEMPORAL_SHARE.length - 1);
            for (int t = 0; t < tls - 1; t++) {
                rungs.add(new Rung(
                        l.slot(),
                        t,
                        (long) (l.bitrate() * TEMPORAL_SHARE[tls][t]),
                        l.width(),
                        l.height(),
                        l.rid(),
                        true));
            }
            rungs.add(new Rung(l.slot(), ALL_TEMPORAL, l.bitrate(), l.width(), l.height(), l.rid(), false));
        }
        return new LayerLadder(layers, rungs, configured, vp8);
    }

    /** Whether the stream's video is VP8 (its descriptors carry temporal layers and picture IDs). */
    boolean vp8() {
        return vp8;
    }

    /**
     * Lowest first by picture size when every layer's is known, else by bit rate when every layer's
     * is known, else by slot (the order of the publisher's RIDs): a layer not measured yet must not
     * sort below the ones that are (seen: the 320 px layer's first keyframe made it the "top" one).
     */
    private static Comparator<Layer> order(List<Layer> layers) {
        boolean sizes = layers.stream().allMatch(l -> l.width() > 0);
        boolean rates = layers.stream().allMatch(l -> l.bitrate() > 0);
        Comparator<Layer> bySlot = Comparator.comparingInt(Layer::slot);
        if (sizes) {
            return Comparator.comparingLong((Layer l) -> (long) l.width() * l.height())
                    .thenComparingLong(Layer::bitrate)
                    .thenComparing(bySlot);
        }
        return rates ? Comparator.comparingLong(Layer::bitrate).thenComparing(bySlot) : bySlot;
    }

    /** Active layers, lowest first. */
    List<Layer> layers() {
        return layers;
    }

    /** Every rung, lowest first. */
    List<Rung> rungs() {
        return rungs;
    }

    /** Whether viewers are switched at all: more than one layer is active. */
    boolean layered() {
        return layers.size() > 1;
    }

    /** Video layers the stream is configured for (active or not). */
    int configured() {
        return configured;
    }

    /** The top rung, or -1 without layers. */
    int top() {
        return rungs.size() - 1;
    }

    /** The index of the full rung of a layer slot, or -1 when the layer is not active. */
    int fullRungOf(int slot) {
        for (int i = 0; i < rungs.size(); i++) {
            Rung r = rungs.get(i);
            if (r.slot() == slot && !r.thinned()) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The index of the rung of a slot and temporal limit: that rung, else the slot's highest rung
     * under the limit, else its lowest (the temporal layers a layer carries are measured, and
     * change); -1 when the slot is not active.
     */
    int indexOf(int slot, int maxTemporalLayer) {
        int best = -1;
        for (int i = 0; i < rungs.size(); i++) {
            Rung r = rungs.get(i);
            if (r.slot() != slot) {
                continue;
            }
            if (best < 0 || r.maxTemporalLayer() <= maxTemporalLayer) {
                best = i;
            }
        }
        return best;
    }

    /** The highest rung whose bit rate is at most budget (the lowest when none is). */
    int highestWithin(long budgetBps) {
        int best = 0;
        for (int i = 0; i < rungs.size(); i++) {
            if (rungs.get(i).bitrate() <= budgetBps) {
                best = i;
            }
        }
        return best;
    }

    /** The layer of a slot, or null when it is not active. */
    Layer layer(int slot) {
        for (Layer l : layers) {
            if (l.slot() == slot) {
                return l;
            }
        }
        return null;
    }
}
