package dev.lancast.bridge;

import dev.lancast.bridge.admin.StatsHistory;
import dev.lancast.bridge.discovery.BridgeAdvertiser;
import dev.lancast.bridge.discovery.GatewayRegistry;
import dev.lancast.bridge.discovery.GatewaysResource;
import dev.lancast.bridge.feedback.FeedbackListener;
import dev.lancast.bridge.ingest.StreamIngest;
import dev.lancast.bridge.multicast.MulticastSenders;
import dev.lancast.bridge.relay.RelayRegistry;
import dev.lancast.rtc.counters.CounterTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What /api/status and the admin page show of the bridge: the counter table's values (the same as
 * /metrics) with each stream's config and sockets, the gateways, their reports and the relays.
 */
final class BridgeStatus {
    /** A gateway's report older than this is not shown. */
    private static final long REPORT_MAX_AGE_MS = 15_000;

    private final CounterTable counters;
    private final BridgeStreams streams;
    private final MulticastSenders senders;
    private final GatewaysResource gateways;
    private final GatewayRegistry registry;
    private final FeedbackListener feedback;
    private final RelayRegistry relays;
    private final BridgeAdvertiser advertiser;
    private final Reloads reloads;

    /** @param advertiser null without mDNS */
    BridgeStatus(
            CounterTable counters,
            BridgeStreams streams,
            MulticastSenders senders,
            GatewaysResource gateways,
            GatewayRegistry registry,
            FeedbackListener feedback,
            RelayRegistry relays,
            BridgeAdvertiser advertiser,
            Reloads reloads) {
        this.counters = counters;
        this.streams = streams;
        this.senders = senders;
        this.gateways = gateways;
        this.registry = registry;
        this.feedback = feedback;
        this.relays = relays;
        this.advertiser = advertiser;
        this.reloads = reloads;
    }

    /** Counters an operator reads to see whether media flows and what the repair path does. */
    Map<String, Object> status() {
        Map<String, Map<String, Object>> byStream = counters.statusBy("stream");
        List<Map<String, Object>> list = new ArrayList<>();
        for (StreamIngest s : streams.all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.putAll(byStream.getOrDefault(s.name(), Map.of()));
            m.put("keyframeIntervalMs", s.config().keyframeIntervalMs());
            m.put("video", s.config().video().group() + ":" + s.config().video().port());
            m.put("audio", s.config().audio().group() + ":" + s.config().audio().port());
            m.put("ttl", senders.ttl(s.name())); // read back from the socket, as the groups get it
            m.put("multicast", senders.status(s.name()));
            list.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("streams", list);
        out.put("gateways", gateways.list());
        out.put("gatewayReports", feedback.reports().current(REPORT_MAX_AGE_MS));
        out.put(
                "relays",
                relays.list().stream()
                        .map(r -> Map.of(
                                "stream",
                                r.stream(),
                                "gateway",
                                r.to().getAddress().getHostAddress() + ":" + r.to().getPort(),
                                "reason",
                                r.reason(),
                                "since",
                                Instant.ofEpochMilli(r.sinceMillis()).toString()))
                        .toList());
        if (advertiser != null) {
            out.put("discovery", Map.of("mdnsAddress", advertiser.boundAddress(), "name", advertiser.instanceName()));
        }
        out.putAll(counters.status("stream"));
        return out;
    }

    /**
     * What the admin page shows: the status plus the last config reload's outcome, whose reason
     * quotes the config file and so stays behind the admin check.
     */
    Map<String, Object> adminStatus() {
        Map<String, Object> out = status();
        Map<String, Object> reload = reloads.lastAsStatus();
        if (reload != null) {
            out.put("lastReload", reload);
        }
        return out;
    }

    /** One sample of the admin page's charts: viewers over all gateways, each stream's receive rate. */
    void sampleInto(StatsHistory history) {
        int viewers = 0;
        for (GatewayRegistry.Entry g : registry.list()) {
            viewers += g.info().viewers();
        }
        Map<String, Long> bitrate = new LinkedHashMap<>();
        streams.all().forEach(s -> bitrate.put(s.name(), s.receiveBitrate()));
        history.record(viewers, bitrate);
    }
}
