package dev.lancast.cli;

import static dev.lancast.cli.Eventually.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.bridge.Bridge;
import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.bridge.config.StreamConfig;
import dev.lancast.bridge.config.TrackGroup;
import dev.lancast.bridge.config.ViewerSettings;
import dev.lancast.gateway.Gateway;
import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.gateway.relay.FeedbackSender;
import dev.lancast.gateway.relay.StreamRelay;
import dev.lancast.rtc.catalog.GroupKeys;
import dev.lancast.rtc.config.HostPort;
import dev.lancast.rtc.config.HttpSettings;
import dev.lancast.rtc.config.LimitSettings;
import dev.lancast.rtc.config.MediaSettings;
import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.ice.IceCredentials;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.sender.whip.WhipSender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every limit of docs/security.md hit for real through a bridge, loopback multicast and a gateway
 * on 127.0.0.x, with our sender publishing: each answers with its documented status and moves its
 * counter on /metrics, and the viewers that behave keep receiving. (The read timeout, STUN with a
 * wrong password and the DTLS handshake timeout are hit in rtc-core's HttpServerLimitsTest and
 * IceLiteLimitsTest, against the same servers.)
 */
@Tag("loopback")
class LimitsTest {
    private static final String GATEWAY_TOKEN = "gateway-token-0123456789";
    private static final String PRIVATE_WHIP_TOKEN = "whip-token-private-0123";
    private static final String VIEWER_TOKEN = "viewer-token-0123456789abcdef";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static BridgeConfig bridgeConfig;
    private static Bridge bridge;
    private static Gateway gateway;
    private static WhipSender sender;
    private static String bridgeUrl;
    private static String gatewayUrl;

    @BeforeAll
    static void start() throws Exception {
        int base = 20000 + 8 * ThreadLocalRandom.current().nextInt(4000);
        String group = "239.255." + ThreadLocalRandom.current().nextInt(1, 255) + "."
                + ThreadLocalRandom.current().nextInt(1, 255);
        bridgeConfig = new BridgeConfig(
                HttpSettings.plainWithCredentials(new HostPort("127.0.0.1", 0)),
                new MediaSettings(new HostPort("127.0.0.1", base), null, 0),
                new HostPort("127.0.0.1", base + 2),
                new BridgeConfig.MulticastSettings("lo", 1),
                LoopbackConfigs.keys(GATEWAY_TOKEN),
                List.of(
                        StreamConfig.of(
                                "main",
                                List.of(LoopbackConfigs.WHIP_TOKEN),
                                0,
                                new TrackGroup(group, base + 4, null),
                                new TrackGroup(group, base + 6, null)),
                        privateStream(group, base, new ViewerSettings(List.of(VIEWER_TOKEN), null))),
                null,
                new LimitSettings(0, 1, 0, 2, 100, 0),
                new BridgeConfig.DiscoverySettings(null, null, false));
        bridge = new Bridge(bridgeConfig);
        bridgeUrl = "http://127.0.0.1:" + bridge.httpAddress().getPort();
        gateway = new Gateway(new GatewayConfig(
                new HttpSettings(new HostPort("127.0.0.1", 0), 16384, 0),
                new MediaSettings(new HostPort("127.0.0.1", base + 1), null, 0),
                bridgeUrl,
                GATEWAY_TOKEN,
                new GatewayConfig.MulticastSettings("lo"),
                null,
                null,
                new LimitSettings(3, 2, 0, 2, 50, 0),
                new GatewayConfig.DiscoverySettings(null, null, false, null, null, null, 0, null),
                true));
        gatewayUrl = "http://127.0.0.1:" + gateway.httpAddress().getPort();
        sender = new WhipSender(URI.create(bridgeUrl + "/whip/main"), LoopbackConfigs.WHIP_TOKEN);
        sender.start(Duration.ofSeconds(30));
        waitFor(
                () -> gateway.relay("main") != null
                        && gateway.relay("main").entry().live()
                        && gateway.relay("main").received() > 50,
                "the gateway receiving the live stream");
    }

    private static StreamConfig privateStream(String group, int base, ViewerSettings viewers) {
        return new StreamConfig(
                "private",
                List.of(PRIVATE_WHIP_TOKEN),
                0,
                new TrackGroup(group, base + 8, null),
                new TrackGroup(group, base + 10, null),
                null,
                null,
                false,
                0,
                viewers);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {sender, gateway, bridge}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void sessionsAreLimitedPerAddressWith429AndInTotalWith503() throws Exception {
        String offer = WhepViewer.chromeOffer(IceCredentials.generate(new SecureRandom()), DtlsCertificate.generate());
        Map<String, Double> before = metrics(gatewayUrl);
        List<String> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                RawResponse ok = rawPost(gateway.httpAddress(), "127.0.0.1", "/whep/main", null, offer);
                assertEquals(201, ok.status, ok.body);
                sessions.add(ok.headers.get("location"));
            }
            RawResponse perAddress = rawPost(gateway.httpAddress(), "127.0.0.1", "/whep/main", null, offer);
            assertEquals(429, perAddress.status, perAddress.body);
            assertEquals("5", perAddress.headers.get("retry-after"));
            assertTrue(perAddress.body.startsWith("too many sessions from 127.0.0.1"), perAddress.body);

            RawResponse other = rawPost(gateway.httpAddress(), "127.0.0.2", "/whep/main", null, offer);
            assertEquals(201, other.status, "another address still gets in: " + other.body);
            sessions.add(other.headers.get("location"));
            RawResponse full = rawPost(gateway.httpAddress(), "127.0.0.3", "/whep/main", null, offer);
            assertEquals(503, full.status, full.body);
            assertEquals("5", full.headers.get("retry-after"));

            Map<String, Double> after = metrics(gatewayUrl);
            assertEquals(1.0, delta(before, after, "lancast_limit_refusals_total{limit=\"sessions_per_address\"}"));
            assertEquals(1.0, delta(before, after, "lancast_limit_refusals_total{limit=\"sessions\"}"));
        } finally {
            for (String s : sessions) {
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(gatewayUrl + s))
                                .DELETE()
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
            }
        }
        RawResponse again = rawPost(gateway.httpAddress(), "127.0.0.3", "/whep/main", null, offer);
        assertEquals(201, again.status, "ended sessions give their places back: " + again.body);
        HTTP.send(
                HttpRequest.newBuilder(URI.create(gatewayUrl + again.headers.get("location")))
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.discarding());
    }

    @Test
    void whipSessionsAreLimitedPerAddressToo() throws Exception {
        // The sender publishing "main" from 127.0.0.1 holds that address's one WHIP session.
        SecureRandom random = new SecureRandom();
        IceCredentials ice = IceCredentials.generate(random);
        String offer = new dev.lancast.rtc.sdp.OfferBuilder()
                .ice(ice.ufrag(), ice.pwd())
                .fingerprint("sha-256", DtlsCertificate.generate().fingerprintSha256())
                .audio(111, random.nextInt() & 0xFFFFFFFFL, "c", "s", "a")
                .video(96, random.nextInt() & 0xFFFFFFFFL, "c", "s", "v")
                .build();
        Map<String, Double> before = metrics(bridgeUrl);
        RawResponse refused = rawPost(bridge.httpAddress(), "127.0.0.1", "/whip/private", PRIVATE_WHIP_TOKEN, offer);
        assertEquals(429, refused.status, refused.body);
        assertEquals("5", refused.headers.get("retry-after"));
        RawResponse other = rawPost(bridge.httpAddress(), "127.0.0.2", "/whip/private", PRIVATE_WHIP_TOKEN, offer);
        assertEquals(201, other.status, other.body);
        HTTP.send(
                HttpRequest.newBuilder(URI.create(bridgeUrl + other.headers.get("location")))
                        .header("Authorization", "Bearer " + PRIVATE_WHIP_TOKEN)
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(
                1.0, delta(before, metrics(bridgeUrl), "lancast_limit_refusals_total{limit=\"sessions_per_address\"}"));
        assertTrue(sender.isConnected(), "the broadcaster is untouched");
    }

    @Test
    void aBodyOverMaxBodyBytesGets413AndAWrongWhipTokenIsCounted() throws Exception {
        Map<String, Double> before = metrics(gatewayUrl);
        HttpResponse<String> big = HTTP.send(
                HttpRequest.newBuilder(URI.create(gatewayUrl + "/whep/main"))
                        .header("Content-Type", "application/sdp")
                        .POST(HttpRequest.BodyPublishers.ofString("v=0\r\n" + "a=x\r\n".repeat(20_000)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, big.statusCode());
        assertEquals(
                1.0, delta(before, metrics(gatewayUrl), "lancast_limit_refusals_total{limit=\"request_too_large\"}"));

        Map<String, Double> bridgeBefore = metrics(bridgeUrl);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> refused = HTTP.send(
                    HttpRequest.newBuilder(URI.create(bridgeUrl + "/whip/main"))
                            .header("Content-Type", "application/sdp")
                            .header("Authorization", "Bearer wrong")
                            .POST(HttpRequest.BodyPublishers.ofString("v=0"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode());
        }
        assertEquals(
                3.0, delta(bridgeBefore, metrics(bridgeUrl), "lancast_auth_failures_total{reason=\"unauthorized\"}"));
        assertTrue(sender.isConnected(), "the broadcaster is untouched");
    }

    @Test
    void aViewerFloodingPlisAndNacksGetsItsRateWhileAnotherViewerPlays() throws Exception {
        StreamRelay relay = gateway.relay("main");
        long videoSsrc = relay.entry().track("video").ssrc();
        try (WhepViewer flooder = new WhepViewer();
                WhepViewer calm = new WhepViewer()) {
            flooder.start(gatewayUrl + "/whep/main", Duration.ofSeconds(30));
            calm.start(gatewayUrl + "/whep/main", Duration.ofSeconds(30));
            waitFor(() -> calm.rtpReceived() > 50 && flooder.rtpReceived() > 50, "both viewers receiving");
            Thread.sleep(1500); // the joins' own keyframe requests are done
            Map<String, Double> before = metrics(gatewayUrl);
            long bridgeKeyframeRequests = bridge.stream("main").keyframeRequestsReceived();
            long accepted = relay.viewerNacks();
            long calmBefore = calm.rtpReceived();

            long start = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                flooder.sendPli(videoSsrc);
                flooder.sendNack(videoSsrc, i * 10, 10);
                Thread.sleep(10);
            }
            waitFor(
                    () -> refusals(gatewayUrl, "viewer_pli") - before.get(key("viewer_pli")) >= 150,
                    "the gateway refusing most of the PLIs");
            double seconds = (System.nanoTime() - start) / 1e9;
            Thread.sleep(500);
            Map<String, Double> after = metrics(gatewayUrl);
            double refusedPli = delta(before, after, key("viewer_pli"));
            double refusedNack = delta(before, after, key("viewer_nack"));
            long acceptedNacks = relay.viewerNacks() - accepted;
            // Budgets: 2 PLI/s and 50 NACKed packets/s, each with a burst of one second's worth.
            assertTrue(
                    200 - refusedPli <= 2 + 2 * seconds + 1,
                    "PLIs let through: " + (200 - refusedPli) + " in " + seconds + " s");
            assertTrue(acceptedNacks <= 50 + 50 * seconds + 1, "NACKed packets let through: " + acceptedNacks);
            assertEquals(2000.0, refusedNack + acceptedNacks, 0.0, "every NACKed packet is served or refused");
            long bridgeSaw = bridge.stream("main").keyframeRequestsReceived() - bridgeKeyframeRequests;
            assertTrue(bridgeSaw <= 2 + 2 * (seconds + 0.5) + 1, "keyframe requests reaching the bridge: " + bridgeSaw);
            waitFor(() -> calm.rtpReceived() > calmBefore + 200, "the calm viewer receiving all along");
            System.out.printf(
                    "viewer flood: %d PLIs and 2000 NACKed packets in %.1f s; let through %d PLIs, %d NACKed"
                            + " packets; %d keyframe requests reached the bridge%n",
                    200, seconds, (long) (200 - refusedPli), acceptedNacks, bridgeSaw);
        }
    }

    @Test
    void aGatewayFloodingFeedbackGetsItsRateAtTheBridge() throws Exception {
        HttpResponse<String> keysResponse = HTTP.send(
                HttpRequest.newBuilder(URI.create(bridgeUrl + "/api/keys"))
                        .header("Authorization", "Bearer " + GATEWAY_TOKEN)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        GroupKeys keys =
                new com.fasterxml.jackson.databind.ObjectMapper().readValue(keysResponse.body(), GroupKeys.class);
        StreamRelay relay = gateway.relay("main");
        long videoSsrc = relay.entry().track("video").ssrc();
        InetSocketAddress feedback = HostPort.parse(relay.entry().feedback()).toSocketAddress();
        try (EventLoops loops = new EventLoops("test-rogue-gateway", 1)) {
            var loop = loops.group().next();
            FeedbackSender rogue = new FeedbackSender(
                    loops,
                    loop,
                    InetAddress.getLoopbackAddress(),
                    new SecureRandom(),
                    (buf, off, len, from) -> {},
                    new dev.lancast.rtc.counters.CounterTable());
            try {
                rogue.updateKeys(keys);
                Map<String, Double> before = metrics(bridgeUrl);
                long keyframeRequests = bridge.stream("main").keyframeRequestsReceived();
                long nacks = bridge.stream("main").nacksReceived();
                long received = relay.received();
                long start = System.nanoTime();
                int[] seqs = new int[16];
                for (int i = 0; i < 300; i++) {
                    int first = i * 16;
                    loop.execute(() -> {
                        for (int k = 0; k < 16; k++) {
                            seqs[k] = (first + k) & 0xFFFF;
                        }
                        rogue.sendPli(feedback, videoSsrc);
                        rogue.sendNack(feedback, videoSsrc, seqs, 16);
                    });
                    Thread.sleep(5);
                }
                waitFor(
                        () -> refusals(bridgeUrl, "gateway_pli") - before.get(key("gateway_pli")) >= 250,
                        "the bridge refusing most of the rogue gateway's PLIs");
                double seconds = (System.nanoTime() - start) / 1e9;
                Thread.sleep(500);
                Map<String, Double> after = metrics(bridgeUrl);
                long keyframesSeen = bridge.stream("main").keyframeRequestsReceived() - keyframeRequests;
                long nacksSeen = bridge.stream("main").nacksReceived() - nacks;
                // The real gateway has its own budget; it asks for little on loopback.
                assertTrue(
                        keyframesSeen <= 2 * (2 + 2 * (seconds + 0.5)) + 1,
                        "keyframe requests taken: " + keyframesSeen);
                assertTrue(nacksSeen <= 100 + 100 * (seconds + 0.5) + 50, "NACKed packets taken: " + nacksSeen);
                assertTrue(
                        delta(before, after, key("gateway_nack")) >= 4800 - nacksSeen,
                        "refused NACKed packets counted");
                waitFor(() -> relay.received() > received + 100, "the real gateway receiving all along");
                System.out.printf(
                        "gateway flood: 300 PLIs and 4800 NACKed packets in %.1f s; the bridge took %d keyframe"
                                + " requests and %d NACKed packets%n",
                        seconds, keyframesSeen, nacksSeen);
            } finally {
                rogue.close();
            }
        }
    }

    @Test
    void viewerAccessPolicyAnswers401And403AndFollowsAReload() throws Exception {
        String offer = WhepViewer.chromeOffer(IceCredentials.generate(new SecureRandom()), DtlsCertificate.generate());
        waitFor(() -> gateway.relay("private") != null, "the private stream in the gateway's catalog");
        Map<String, Double> before = metrics(gatewayUrl);
        HttpResponse<String> none = whep("/whep/private", offer, null);
        assertEquals(401, none.statusCode(), none.body());
        assertEquals(
                "Bearer realm=\"lancast\"",
                none.headers().firstValue("WWW-Authenticate").orElse(null));
        HttpResponse<String> wrong = whep("/whep/private", offer, "not-the-viewer-token");
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"invalid_token\""));
        // The right token passes the policy; the stream has no broadcaster, so that is all it gets.
        HttpResponse<String> bearer = whep("/whep/private", offer, VIEWER_TOKEN);
        assertEquals(503, bearer.statusCode(), bearer.body());
        assertTrue(bearer.body().contains("not live"), bearer.body());
        HttpResponse<String> query = whep("/whep/private?token=" + VIEWER_TOKEN, offer, null);
        assertEquals(503, query.statusCode(), query.body());
        assertEquals(2.0, delta(before, metrics(gatewayUrl), "lancast_auth_failures_total{reason=\"unauthorized\"}"));
        String catalog = get(bridgeUrl + "/api/streams");
        assertTrue(
                catalog.contains("tokenHmac")
                        && !catalog.contains(VIEWER_TOKEN)
                        && !catalog.contains(java.util.HexFormat.of()
                                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                        .digest(VIEWER_TOKEN.getBytes(java.nio.charset.StandardCharsets.UTF_8)))),
                "only MACs under the bridge's secret are published, not even the token's plain hash");

        // Reloads: subnets that leave 127.0.0.1 out, then no policy at all.
        String group = bridgeConfig.streams().get(0).video().group();
        int base = bridgeConfig.streams().get(0).video().port() - 4;
        try {
            bridge.apply(withPrivate(
                    privateStream(group, base, new ViewerSettings(List.of(VIEWER_TOKEN), List.of("198.18.1.0/24")))));
            waitFor(() -> status(whep("/whep/private", offer, VIEWER_TOKEN)) == 403, "403 outside the allowed subnets");
            assertTrue(whep("/whep/private", offer, VIEWER_TOKEN).body().contains("may not be watched from 127.0.0.1"));
            bridge.apply(withPrivate(privateStream(group, base, null)));
            waitFor(() -> status(whep("/whep/private", offer, null)) == 503, "an open stream after the reload");
        } finally {
            bridge.apply(bridgeConfig);
        }
        waitFor(() -> status(whep("/whep/private", offer, null)) == 401, "the token needed again");
    }

    private static BridgeConfig withPrivate(StreamConfig stream) {
        BridgeConfig c = bridgeConfig;
        return new BridgeConfig(
                c.http(),
                c.media(),
                c.feedback(),
                c.multicast(),
                c.keys(),
                List.of(c.streams().get(0), stream),
                c.logging(),
                c.limits(),
                c.discovery());
    }

    private static HttpResponse<String> whep(String path, String offer, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(gatewayUrl + path))
                .header("Content-Type", "application/sdp")
                .POST(HttpRequest.BodyPublishers.ofString(offer));
        if (token != null) {
            post.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(post.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int status(HttpResponse<String> response) {
        return response.statusCode();
    }

    private static String key(String limit) {
        return "lancast_limit_refusals_total{limit=\"" + limit + "\"}";
    }

    private static double refusals(String url, String limit) {
        try {
            return metrics(url).get(key(limit));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
        assertTrue(after.containsKey(series), "no series " + series);
        return after.get(series) - before.getOrDefault(series, 0.0);
    }

    private static Map<String, Double> metrics(String url) throws IOException, InterruptedException {
        return PrometheusText.parse(get(url + "/metrics"));
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response =
                HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    private record RawResponse(int status, Map<String, String> headers, String body) {}

    /** A POST from a chosen loopback address (HttpClient cannot pick its source address). */
    private static RawResponse rawPost(InetSocketAddress server, String from, String path, String token, String sdp)
            throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            socket.connect(server, 10_000);
            socket.setSoTimeout(30_000);
            byte[] body = sdp.getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream()
                    .write(("POST " + path + " HTTP/1.1\r\nHost: lancast\r\nConnection: close\r\n"
                                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                                    + "Content-Type: application/sdp\r\nContent-Length: " + body.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(),
                        lines[i].substring(colon + 1).trim());
            }
            return new RawResponse(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
        }
    }
}
