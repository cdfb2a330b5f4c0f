package dev.lancast.rtc.discovery;

import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.multicast.KeyIds;
import dev.lancast.rtc.sdp.Simulcast;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a gateway tells its bridge in each heartbeat about one stream's video layers: the layers the
 * catalog lists (lowest first), whether the gateway has joined each one's group, and how many of
 * its viewers are on it (docs/architecture.md, "Layers"). Bounded, so a heartbeat costs the bridge
 * at most {@link #MAX_STREAMS} x {@link Track#MAX_LAYERS} small entries per gateway.
 *
 * @param stream the stream's name, as in the catalog
 * @param layers its active layers, lowest first; at least one, at most {@link Track#MAX_LAYERS}
 */
public record StreamLayers(String stream, List<Layer> layers) {
    /** A bridge has at most this many streams (one key ring each, the first is not a stream's). */
    public static final int MAX_STREAMS = KeyIds.MAX_KEYRINGS - 1;
    /** Larger than any picture a codec here carries (VP8: 14 bits). */
    public static final int MAX_DIMENSION = 65_535;
    /** More viewers than a gateway carries on one layer: a count above it is a bug or a lie. */
    public static final int MAX_VIEWERS = 1_000_000;

    private static final Pattern STREAM = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /**
     * One layer as this gateway receives it.
     *
     * @param rid     the layer's RID as the catalog names it (its number when the publisher gave none)
     * @param width   its picture width as the bridge measured it; 0 while unknown
     * @param height  its picture height; 0 while unknown
     * @param joined  whether this gateway has joined the layer's group
     * @param viewers this gateway's viewers on the layer
     */
    public record Layer(String rid, int width, int height, boolean joined, int viewers) {
        public Layer {
            if (!Simulcast.isRid(rid)) {
                throw new IllegalArgumentException(
                        "layer rid must be 1-16 letters, digits, '_' or '-', got " + quoted(rid));
            }
            checkRange("width", width, MAX_DIMENSION);
            checkRange("height", height, MAX_DIMENSION);
            checkRange("viewers", viewers, MAX_VIEWERS);
        }
    }

    public StreamLayers {
        if (stream == null || !STREAM.matcher(stream).matches()) {
            throw new IllegalArgumentException(
                    "layers: stream must be 1-64 letters, digits, '_' or '-', got " + quoted(stream));
        }
        if (layers == null || layers.isEmpty() || layers.size() > Track.MAX_LAYERS) {
            throw new IllegalArgumentException("layers of stream '" + stream + "': 1.." + Track.MAX_LAYERS
                    + " layers, got " + (layers == null ? 0 : layers.size()));
        }
        layers = List.copyOf(layers); // also refuses a null entry
        Set<String> rids = new HashSet<>();
        for (Layer l : layers) {
            if (!rids.add(l.rid())) {
                throw new IllegalArgumentException(
                        "layers of stream '" + stream + "': rid '" + l.rid() + "' appears twice");
            }
        }
    }

    /** Checks a gateway's list: at most {@link #MAX_STREAMS} streams, each named once; null is none. */
    static List<StreamLayers> checkAll(List<StreamLayers> all) {
        if (all == null) {
            return List.of();
        }
        if (all.size() > MAX_STREAMS) {
            throw new IllegalArgumentException("layers: at most " + MAX_STREAMS + " streams, got " + all.size());
        }
        List<StreamLayers> copy = List.copyOf(all);
        Set<String> streams = new HashSet<>();
        for (StreamLayers s : copy) {
            if (!streams.add(s.stream())) {
                throw new IllegalArgumentException("layers: stream '" + s.stream() + "' appears twice");
            }
        }
        return copy;
    }

    private static void checkRange(String field, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException("layer " + field + " must be 0.." + max + ", got " + value);
        }
    }

    /** A value for an error message: quoted, printable and cut short (it comes from the network). */
    private static String quoted(String s) {
        if (s == null) {
            return "nothing";
        }
        return "'" + Mdns.printable(s) + "'";
    }
}
