package dev.lancast.gateway;

import dev.lancast.gateway.discovery.GatewayPresence;
import dev.lancast.gateway.relay.StreamRelay;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.protocol.DropReason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What /api/status shows of a gateway: viewers, multicast received and dropped, loss and its
 * repair, delivery; the counter table's values (the same as /metrics) plus the views the table has
 * no descriptor for, and the presence (which bridge, discovery).
 */
final class GatewayStatus {
    private final CounterTable counters;
    private final GatewayStreams streams;
    /** A stream's viewerQuality: what its viewers' pages reported over the last minutes. */
    private final Function<String, Map<String, Object>> viewerQuality;

    GatewayStatus(CounterTable counters, GatewayStreams streams, Function<String, Map<String, Object>> viewerQuality) {
        this.counters = counters;
        this.streams = streams;
        this.viewerQuality = viewerQuality;
    }

    Map<String, Object> of(GatewayPresence presence) {
        Map<String, Map<String, Object>> byStream = counters.statusBy("stream");
        List<Map<String, Object>> list = new ArrayList<>();
        for (StreamRelay relay : streams.all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", relay.name());
            m.putAll(byStream.getOrDefault(relay.name(), Map.of()));
            // By stream and reason (/metrics sums the streams).
            Map<String, Long> why = new LinkedHashMap<>();
            for (DropReason reason : DropReason.GROUP) {
                why.put(reason.label(), relay.dropped(reason));
            }
            m.put("multicastDroppedBy", why);
            // The stream's fan-out over the media loops: per loop, and by reason.
            m.put("viewersPerLoop", relay.fanout().viewersPerShard());
            m.put("deliveredPerLoop", relay.fanout().deliveredPerShard());
            m.put("viewerPacketsDropped", relay.fanout().dropped());
            m.put("primers", relay.fanout().primers());
            m.put(
                    "layers",
                    relay.layers()); // each active layer: joined here?, viewers on it (docs/architecture.md, "Layers")
            m.put(
                    "layerSwitches",
                    Map.of("fromCache", relay.layerSwitches()[0], "atKeyframe", relay.layerSwitches()[1]));
            m.put("delivery", relay.delivery());
            m.put("viewerQuality", viewerQuality.apply(relay.name()));
            list.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.putAll(presence.status());
        out.put("streams", list);
        out.putAll(counters.status("stream"));
        return out;
    }
}
