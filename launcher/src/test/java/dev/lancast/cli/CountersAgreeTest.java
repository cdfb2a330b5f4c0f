package dev.lancast.cli;

import static dev.lancast.cli.Eventually.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancast.bridge.Bridge;
import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.bridge.config.StreamConfig;
import dev.lancast.gateway.Gateway;
import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.rtc.config.LimitSettings;
import dev.lancast.rtc.config.MediaSettings;
import dev.lancast.rtc.counters.CounterDescriptor;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.sender.whip.WhipSender;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * /metrics and /api/status of a real bridge and gateway (loopback, our sender's media, viewers on
 * two media loops) carry the same value for every counter descriptor that is in both, and every
 * name and key they had before the counter table is still there, with its Prometheus type; a
 * series counted by each media loop is the sum of the loops' counts; a stream that ends takes its
 * series out of both processes' /metrics.
 */
@Tag("loopback")
class CountersAgreeTest {
    private static final String GATEWAY_TOKEN = "gateway-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    /** The names /metrics had before the counter table (pages, alerts and docs use them), with their types. */
    private static final List<String> BRIDGE_METRICS = List.of(
            "gauge lancast_bridge_stream_live",
            "gauge lancast_bridge_receive_bitrate_bps",
            "gauge lancast_bridge_max_bitrate_bps",
            "counter lancast_bridge_packets_forwarded",
            "counter lancast_bridge_multicast_bytes",
            "counter lancast_bridge_upstream_lost_packets",
            "counter lancast_bridge_nacks_received",
            "counter lancast_bridge_retransmissions",
            "counter lancast_bridge_retransmissions_missed",
            "counter lancast_bridge_keyframe_requests",
            "counter lancast_bridge_keyframe_requests_deferred",
            "gauge lancast_bridge_sessions",
            "gauge lancast_bridge_dtls_handshakes",
            "gauge lancast_bridge_gateways",
            "counter lancast_bridge_dtls_failures",
            "counter lancast_bridge_stun_rejected",
            "counter lancast_bridge_feedback_dropped",
            "counter lancast_periodic_task_failures",
            "counter lancast_bridge_feedback_dropped_by",
            "counter lancast_config_reloads",
            "counter lancast_bridge_tls_handshake_failures",
            "counter lancast_limit_refusals",
            "counter lancast_auth_failures",
            "gauge lancast_bridge_group_key_id");

    private static final List<String> GATEWAY_METRICS = List.of(
            "gauge lancast_gateway_viewers",
            "counter lancast_gateway_multicast_packets",
            "counter lancast_multicast_packets_dropped",
            "counter lancast_gateway_lost_packets",
            "counter lancast_gateway_repaired_packets",
            "counter lancast_gateway_unrecovered_packets",
            "counter lancast_gateway_viewer_nacks",
            "counter lancast_gateway_viewer_retransmissions",
            "counter lancast_gateway_keyframes_to_joiners",
            "gauge lancast_gateway_sessions",
            "gauge lancast_gateway_dtls_handshakes",
            "counter lancast_gateway_dtls_failures",
            "counter lancast_gateway_feedback_sent",
            "counter lancast_gateway_tls_handshake_failures",
            "counter lancast_limit_refusals",
            "counter lancast_auth_failures",
            "counter lancast_periodic_task_failures",
            "counter lancast_gateway_viewer_packets_dropped",
            "counter lancast_gateway_cross_loop_datagrams",
            "counter lancast_gateway_viewer_packets_delivered",
            "counter lancast_gateway_primers_paced",
            "counter lancast_gateway_primers_expired");
    /** The keys /api/status had before: at the top, and in each stream's object. */
    private static final List<String> BRIDGE_STATUS = List.of(
            "streams",
            "gateways",
            "gatewayReports",
            "feedbackAccepted",
            "feedbackDropped",
            "feedbackDroppedBy",
            "sessions",
            "configReloads");

    private static final List<String> BRIDGE_STREAM_STATUS = List.of(
            "name",
            "live",
            "receiveBitrateBps",
            "maxBitrateBps",
            "packetsForwarded",
            "upstreamLost",
            "upstreamNacks",
            "multicastPacketsSent",
            "multicastBytesSent",
            "nacksReceived",
            "retransmitted",
            "retransmitNotInCache",
            "keyframeRequestsReceived",
            "keyframeRequestsSent",
            "keyframeIntervalMs",
            "keyId",
            "video",
            "audio",
            "ttl",
            "keyframeRequestsDeferred");
    private static final List<String> GATEWAY_STATUS =
            List.of("name", "url", "subnet", "bridge", "streams", "sessions", "feedbackSent");
    private static final List<String> GATEWAY_STREAM_STATUS = List.of(
            "name",
            "live",
            "viewers",
            "multicastReceived",
            "multicastDropped",
            "multicastDroppedBy",
            "hasKey",
            "lost",
            "repaired",
            "unrecovered",
            "nackedPackets",
            "viewerNacks",
            "viewerRetransmissions",
            "keyframesToJoiners");

    @Test
    void metricsAndStatusShowTheSameCountsUnderEveryNameTheyHad() throws Exception {
        int base = 20000 + 8 * ThreadLocalRandom.current().nextInt(4000);
        String group = "239.255." + ThreadLocalRandom.current().nextInt(1, 255) + "."
                + ThreadLocalRandom.current().nextInt(1, 255);
        BridgeConfig.KeySettings keys = LoopbackConfigs.keys(GATEWAY_TOKEN, List.of("admin-token-0123456789"));
        StreamConfig main = LoopbackConfigs.stream("main", group, base + 4);
        // A second stream (no broadcaster) on its own group, removed by a reload at the end.
        StreamConfig second = LoopbackConfigs.stream("second", LoopbackConfigs.randomGroup(), base + 4);
        BridgeConfig bridgeConfig =
                LoopbackConfigs.bridge(base, keys, List.of(main, second), LoopbackConfigs.BRIDGE_NO_MDNS);
        try (Bridge bridge = new Bridge(bridgeConfig)) {
            String bridgeUrl = "http://127.0.0.1:" + bridge.httpAddress().getPort();
            GatewayConfig loopback =
                    LoopbackConfigs.gateway(base, bridgeUrl, GATEWAY_TOKEN, LoopbackConfigs.GATEWAY_NO_MDNS);
            // Two media loops, so the fan-out's series are each the sum of two loops' cells.
            try (Gateway gateway = new Gateway(LoopbackConfigs.withMediaAndLimits(
                    loopback,
                    new MediaSettings(loopback.media().listen(), null, 0, 2),
                    new LimitSettings(0, 8, 0, 0, 0, 0)))) {
                String gatewayUrl = "http://127.0.0.1:" + gateway.httpAddress().getPort();
                List<WhepViewer> viewers = new ArrayList<>();
                try (WhipSender sender =
                        new WhipSender(URI.create(bridgeUrl + "/whip/main"), LoopbackConfigs.WHIP_TOKEN)) {
                    sender.start(Duration.ofSeconds(30));
                    waitFor(
                            () -> gateway.relay("main") != null
                                    && gateway.relay("main").received() > 200,
                            "the gateway received 200 packets of the stream");
                    for (int i = 0; i < 4; i++) {
                        WhepViewer viewer = new WhepViewer();
                        viewers.add(viewer);
                        viewer.start(gatewayUrl + "/whep/main", Duration.ofSeconds(30));
                    }
                    waitFor(() -> viewers.stream().allMatch(v -> v.rtpReceived() > 50), "media at every viewer");
                    // A joiner gets the cached keyframe only once the gateway holds one, which depends on
                    // when keyframes and keys arrived (issue 25: on a fresh machine all four joined
                    // first). The clip has a keyframe every second: join one more viewer a second apart
                    // until one is primed (8 sessions per address at most), so that series is compared
                    // with a count that is not 0.
                    waitFor(
                            () -> {
                                if (gateway.relay("main").keyframesToJoiners() > 0) {
                                    return true;
                                }
                                if (viewers.size() < 8) {
                                    Thread.sleep(1000);
                                    WhepViewer late = new WhepViewer();
                                    viewers.add(late);
                                    late.start(gatewayUrl + "/whep/main", Duration.ofSeconds(30));
                                }
                                return false;
                            },
                            "a joiner started with the cached keyframe");
                    // A viewer's quality report, as the viewer page sends one (docs/architecture.md, "Viewer quality").
                    assertEquals(
                            204,
                            viewers.get(0)
                                    .reportQuality(
                                            "{\"freezes\":2,\"freezeMs\":700,\"stallMs\":400,\"lost\":1,\"received\":500,\"joinMs\":180}"));
                } finally {
                    for (WhepViewer v : viewers) {
                        v.close();
                    }
                }
                // Every loop's deliveries, in the table's one series and in the status's per-loop view.
                waitFor(
                        () -> {
                            Double delivered = PrometheusText.parse(get(gatewayUrl + "/metrics"))
                                    .get("lancast_gateway_viewer_packets_delivered_total{stream=\"main\"}");
                            long perLoop = 0;
                            for (Object n : (List<?>) mainOf(status(gatewayUrl)).get("deliveredPerLoop")) {
                                perLoop += ((Number) n).longValue();
                            }
                            return delivered != null && delivered > 0 && delivered == perLoop;
                        },
                        "the gateway's delivered packets are the sum of its loops'");
                // Three datagrams that are not lancast's, to the bridge's feedback port (loopback).
                try (DatagramSocket socket =
                        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                    for (int i = 0; i < 3; i++) {
                        socket.send(new DatagramPacket(
                                new byte[] {1, 2, 3, 4},
                                4,
                                new InetSocketAddress(InetAddress.getLoopbackAddress(), base + 2)));
                    }
                }
                waitFor(
                        () -> ((Number) status(bridgeUrl).get("feedbackDropped")).longValue() >= 3
                                && ((Number) status(bridgeUrl).get("feedbackAccepted")).longValue() >= 1,
                        "the bridge counted the foreign datagrams and a gateway's receiver report (every 5 s)");

                String bridgeText = get(bridgeUrl + "/metrics");
                for (String typed : BRIDGE_METRICS) {
                    assertTrue(hasType(bridgeText, typed), "bridge /metrics still has " + typed);
                }
                String gatewayText = get(gatewayUrl + "/metrics");
                for (String typed : GATEWAY_METRICS) {
                    assertTrue(hasType(gatewayText, typed), "gateway /metrics still has " + typed);
                }
                assertHasKeys(status(bridgeUrl), BRIDGE_STATUS, BRIDGE_STREAM_STATUS, "bridge");
                assertHasKeys(status(gatewayUrl), GATEWAY_STATUS, GATEWAY_STREAM_STATUS, "gateway");

                List<String> bridgeNonZero = agree(bridge.counters(), bridgeUrl, "bridge");
                for (String key : List.of(
                        "lancast_bridge_packets_forwarded_total{stream=\"main\"}",
                        "lancast_bridge_multicast_bytes_total{stream=\"main\"}",
                        "lancast_bridge_feedback_dropped_total",
                        "lancast_bridge_feedback_dropped_by_total{reason=\"not_lancast\"}",
                        "lancast_bridge_feedback_accepted_total")) {
                    assertTrue(bridgeNonZero.contains(key), key + " was compared and not 0: " + bridgeNonZero);
                }
                List<String> gatewayNonZero = agree(gateway.counters(), gatewayUrl, "gateway");
                for (String key : List.of(
                        "lancast_gateway_multicast_packets_total{stream=\"main\"}",
                        "lancast_gateway_keyframes_to_joiners_total{stream=\"main\"}",
                        "lancast_gateway_feedback_sent_total",
                        "lancast_gateway_viewer_reports_total{stream=\"main\"}",
                        "lancast_gateway_viewer_freezes_total{stream=\"main\"}",
                        "lancast_gateway_viewer_join_milliseconds_total{stream=\"main\"}")) {
                    assertTrue(gatewayNonZero.contains(key), key + " was compared and not 0: " + gatewayNonZero);
                }

                // The second stream ends (a reload removes it): its series leave both processes' /metrics, main's stay.
                String secondLabel = "{stream=\"second\"}";
                assertTrue(
                        get(bridgeUrl + "/metrics").contains(secondLabel)
                                && get(gatewayUrl + "/metrics").contains(secondLabel),
                        "the second stream has series before");
                bridge.apply(LoopbackConfigs.bridge(base, keys, List.of(main), LoopbackConfigs.BRIDGE_NO_MDNS));
                waitFor(() -> gateway.relay("second") == null, "the gateway followed the catalog");
                for (String url : List.of(bridgeUrl, gatewayUrl)) {
                    String text = get(url + "/metrics");
                    assertFalse(text.contains(secondLabel), url + ": no series of the ended stream");
                    assertTrue(text.contains("{stream=\"main\"}"), url + ": main's series stay");
                }
                assertTrue(
                        PrometheusText.parse(get(gatewayUrl + "/metrics"))
                                .containsKey("lancast_multicast_packets_dropped_total{reason=\"auth_failed\"}"),
                        "the all-streams drops stay while a stream counts them");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mainOf(Map<String, Object> status) {
        return ((List<Map<String, Object>>) status.get("streams"))
                .stream().filter(s -> "main".equals(s.get("name"))).findFirst().orElseThrow();
    }

    /**
     * Compares every descriptor that has both a metric name and a status key: /metrics, then
     * /api/status, then /metrics again; where both scrapes agree (the count did not move
     * meanwhile), the status must show that value. Retries until no count moved across the
     * three reads; returns the series compared that were not 0.
     */
    private List<String> agree(CounterTable table, String url, String who) throws Exception {
        List<String> nonZero = new ArrayList<>();
        waitFor(
                () -> {
                    Map<String, Double> before = PrometheusText.parse(get(url + "/metrics"));
                    Map<String, Object> status = status(url);
                    Map<String, Double> after = PrometheusText.parse(get(url + "/metrics"));
                    List<String> moved = new ArrayList<>();
                    List<String> disagree = new ArrayList<>();
                    nonZero.clear();
                    int compared = 0;
                    for (CounterDescriptor d : table.descriptors()) {
                        if (d.metricName() == null || d.statusKey() == null) {
                            continue;
                        }
                        for (Map.Entry<String, Object> series :
                                statusSeries(d, status, who).entrySet()) {
                            String key = series.getKey();
                            Double metric = before.get(key);
                            if (metric == null) {
                                disagree.add(key + " is not in /metrics");
                                continue;
                            }
                            if (!metric.equals(after.get(key))) {
                                moved.add(key);
                                continue;
                            }
                            compared++;
                            double shown = series.getValue() instanceof Boolean b
                                    ? (b ? 1 : 0)
                                    : ((Number) series.getValue()).doubleValue();
                            if (shown != metric) {
                                disagree.add(key + " = " + metric + " but /api/status " + d.statusKey() + " = "
                                        + series.getValue());
                            } else if (metric != 0) {
                                nonZero.add(key);
                            }
                        }
                    }
                    assertEquals(List.of(), disagree, who + ": /metrics and /api/status disagree");
                    assertTrue(compared >= 5 || !moved.isEmpty(), who + ": compared only " + compared + " series");
                    return moved.isEmpty();
                },
                who + ": no count moving while /metrics and /api/status are read");
        return nonZero;
    }

    /** A descriptor's series as /api/status shows them, by the Prometheus series name they must match. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> statusSeries(CounterDescriptor d, Map<String, Object> status, String who) {
        String name = d.metricName() + (d.kind() == CounterDescriptor.Kind.COUNTER ? "_total" : "");
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        if (d.label() == null) {
            assertTrue(status.containsKey(d.statusKey()), who + " /api/status has " + d.statusKey());
            out.put(name, status.get(d.statusKey()));
        } else if (d.label().equals("stream")) {
            for (Map<String, Object> stream : (List<Map<String, Object>>) status.get("streams")) {
                assertTrue(stream.containsKey(d.statusKey()), who + " /api/status streams[] have " + d.statusKey());
                out.put(name + "{stream=\"" + stream.get("name") + "\"}", stream.get(d.statusKey()));
            }
            assertTrue(!out.isEmpty(), who + " has a stream");
        } else {
            Map<String, Object> byLabel = (Map<String, Object>) status.get(d.statusKey());
            assertTrue(byLabel != null && !byLabel.isEmpty(), who + " /api/status has " + d.statusKey());
            byLabel.forEach((label, value) -> out.put(name + "{" + d.label() + "=\"" + label + "\"}", value));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void assertHasKeys(
            Map<String, Object> status, List<String> top, List<String> perStream, String who) {
        for (String key : top) {
            assertTrue(status.containsKey(key), who + " /api/status has " + key + ": " + status.keySet());
        }
        List<Map<String, Object>> streams = (List<Map<String, Object>>) status.get("streams");
        assertEquals(2, streams.size(), who + " has the two streams");
        for (Map<String, Object> stream : streams) {
            for (String key : perStream) {
                assertTrue(
                        stream.containsKey(key), who + " /api/status streams[] have " + key + ": " + stream.keySet());
            }
        }
    }

    /** "counter name" or "gauge name": its TYPE line as the exposition writes it (counters with _total). */
    private static boolean hasType(String text, String typed) {
        String[] kindAndName = typed.split(" ");
        String name = kindAndName[1] + (kindAndName[0].equals("counter") ? "_total" : "");
        return text.contains("\n# TYPE " + name + " " + kindAndName[0] + "\n");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> status(String url) throws Exception {
        return JSON.readValue(get(url + "/api/status"), Map.class);
    }

    private String get(String url) throws Exception {
        HttpResponse<String> response =
                http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), url);
        return response.body();
    }
}
