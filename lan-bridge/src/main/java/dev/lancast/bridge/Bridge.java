package dev.lancast.bridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.bridge.config.BridgeConfig.StreamConfig;
import dev.lancast.bridge.feedback.FeedbackListener;
import dev.lancast.bridge.ingest.StreamIngest;
import dev.lancast.bridge.multicast.GroupPublisher;
import dev.lancast.bridge.whip.WhipResource;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.http.HttpServer;
import dev.lancast.rtc.http.Response;
import dev.lancast.rtc.http.Router;
import dev.lancast.rtc.http.StaticResources;
import dev.lancast.rtc.ice.IceLiteServer;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.multicast.MulticastSender;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.net.Interfaces;
import dev.lancast.rtc.net.NamedThreadFactory;
import dev.lancast.rtc.peer.ServerPeers;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lan-bridge process: terminates the broadcaster's WebRTC session (WHIP) and re-emits its
 * media once on the multicast groups, encrypted with the group key; publishes the catalog and
 * listens for the gateways' feedback.
 */
public final class Bridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Bridge.class);

    private final EventLoops mediaLoops;
    private final EventLoops httpLoops;
    private final ExecutorService dtlsExecutor;
    private final IceLiteServer ice;
    private final FeedbackListener feedback;
    private final HttpServer http;
    private final Map<String, StreamIngest> streams = new LinkedHashMap<>();
    private final GroupKey groupKey;
    private final ObjectMapper json = new ObjectMapper();

    public Bridge(BridgeConfig config) {
        SecureRandom random = new SecureRandom();
        this.groupKey = config.multicast().groupKey() == null
                ? GroupKey.generate(1, random)
                : GroupKey.fromHex(1, config.multicast().groupKey());
        NetworkInterface iface = Interfaces.resolve(config.multicast().iface());
        // One media thread owns the ICE port, the group sockets and every session's SRTP state.
        this.mediaLoops = new EventLoops("lancast-bridge-media", 1);
        this.httpLoops = new EventLoops("lancast-bridge-http", 1);
        this.dtlsExecutor = new ThreadPoolExecutor(2, 64, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new NamedThreadFactory("lancast-bridge-dtls", true));
        this.ice = new IceLiteServer(mediaLoops, config.media().listen().toSocketAddress(),
                Duration.ofSeconds(config.media().consentTimeoutSeconds()));
        EventLoop loop = ice.channel().eventLoop();
        String feedbackAddress = config.feedback().toString();
        for (StreamConfig s : config.streams()) {
            MulticastSender video = new MulticastSender(mediaLoops, iface,
                    new InetSocketAddress(s.video().group(), s.video().port()), config.multicast().ttl(),
                    s.video().dscp() == null ? 34 : s.video().dscp());
            MulticastSender audio = new MulticastSender(mediaLoops, iface,
                    new InetSocketAddress(s.audio().group(), s.audio().port()), config.multicast().ttl(),
                    s.audio().dscp() == null ? 46 : s.audio().dscp());
            streams.put(s.name(), new StreamIngest(s, new GroupPublisher(groupKey, video, audio), loop,
                    feedbackAddress, random));
        }
        this.feedback = new FeedbackListener(mediaLoops, loop, config.feedback().toSocketAddress(), groupKey,
                this::onKeyframeRequest, this::onNack);
        ServerPeers peers = new ServerPeers(ice, DtlsCertificate.generate(), dtlsExecutor,
                config.media().advertise(), Duration.ofSeconds(20), random);
        Router router = new Router();
        new WhipResource(Map.copyOf(streams), peers, random).register(router);
        StaticResources web = new StaticResources("web", Bridge.class.getClassLoader());
        router.route(HttpMethod.GET, "/api/streams", request -> Response.json(200, toJson(catalog())));
        router.route(HttpMethod.GET, "/api/status", request -> Response.json(200, toJson(status())));
        router.route(HttpMethod.GET, "/broadcast", web.file("broadcast.html"));
        router.route(HttpMethod.GET, "/assets/**", web.folder("assets"));
        router.route(HttpMethod.GET, "/", request -> Response.empty(302).withHeader("Location", "/broadcast"));
        this.http = new HttpServer(httpLoops, config.http().listen().toSocketAddress(), router,
                config.http().maxBodyBytes(), Duration.ofSeconds(config.http().readTimeoutSeconds()));
        LOG.info("bridge ready: http://{} , media udp/{}, {} stream(s), multicast on {}", http.localAddress(),
                ice.localAddress().getPort(), streams.size(), iface.getName());
    }

    public InetSocketAddress httpAddress() {
        return http.localAddress();
    }

    public GroupKey groupKey() {
        return groupKey;
    }

    public StreamIngest stream(String name) {
        return streams.get(name);
    }

    public StreamCatalog catalog() {
        return new StreamCatalog(streams.values().stream().map(s -> s.catalogEntry(groupKey.id())).toList());
    }

    /** Counters an operator reads to see whether media flows and what the repair path does. */
    public Map<String, Object> status() {
        List<Map<String, Object>> list = new java.util.ArrayList<>();
        for (StreamIngest s : streams.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("live", s.isLive());
            m.put("receiveBitrateBps", s.receiveBitrate());
            m.put("maxBitrateBps", s.config().maxBitrate());
            m.put("packetsForwarded", s.packetsForwarded());
            m.put("upstreamLost", s.upstreamLost());
            m.put("upstreamNacks", s.upstreamNacks());
            m.put("multicastPacketsSent", s.publisher().packetsSent());
            m.put("multicastBytesSent", s.publisher().bytesSent());
            m.put("nacksReceived", s.nacksReceived());
            m.put("retransmitted", s.publisher().retransmitted());
            m.put("retransmitNotInCache", s.publisher().notInCache());
            m.put("keyframeRequestsReceived", s.keyframeRequestsReceived());
            m.put("keyframeRequestsSent", s.keyframeRequestsSent());
            list.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("streams", list);
        out.put("feedbackAccepted", feedback.accepted());
        out.put("feedbackDropped", feedback.dropped());
        out.put("sessions", ice.sessionCount());
        return out;
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void onKeyframeRequest(long mediaSsrc) {
        for (StreamIngest s : streams.values()) {
            if (s.videoSsrc() == mediaSsrc) {
                s.requestKeyframe();
            }
        }
    }

    private void onNack(long mediaSsrc, int seq, InetSocketAddress gateway, io.netty.channel.socket.DatagramChannel via) {
        for (StreamIngest s : streams.values()) {
            if (s.ownsSsrc(mediaSsrc)) {
                s.retransmit(mediaSsrc, seq, gateway, via);
            }
        }
    }

    @Override
    public void close() {
        http.close();
        for (StreamIngest s : List.copyOf(streams.values())) {
            s.close();
        }
        feedback.close();
        ice.close();
        dtlsExecutor.shutdownNow();
        httpLoops.close();
        mediaLoops.close();
    }
}
