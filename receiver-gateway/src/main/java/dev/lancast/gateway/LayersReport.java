package dev.lancast.gateway;

import dev.lancast.gateway.relay.StreamRelay;
import dev.lancast.rtc.discovery.StreamLayers;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The layers part of the gateway's heartbeat: per stream, the layers it receives and its viewers
 * on each, read from the relays (what /api/status shows as each stream's {@code layers}), for the
 * bridge's admin page. Read on the presence thread every two seconds; never on the media path.
 */
final class LayersReport {
    private LayersReport() {}

    /** The streams that have active layers, with theirs lowest first; at most {@link StreamLayers#MAX_STREAMS}. */
    static List<StreamLayers> of(Collection<StreamRelay> relays) {
        List<StreamLayers> out = new ArrayList<>();
        for (StreamRelay relay : relays) {
            List<StreamRelay.LayerInfo> layers = relay.layers();
            if (layers.isEmpty() || out.size() == StreamLayers.MAX_STREAMS) {
                continue;
            }
            List<StreamLayers.Layer> mine = new ArrayList<>(layers.size());
            for (StreamRelay.LayerInfo l : layers) {
                mine.add(new StreamLayers.Layer(l.encodingId(), l.width(), l.height(), l.joined(), l.viewers()));
            }
            out.add(new StreamLayers(relay.name(), mine));
        }
        return out;
    }
}
