package dev.lancast.gateway;

import dev.lancast.gateway.catalog.CatalogPoller;
import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.gateway.relay.FeedbackSender;
import dev.lancast.gateway.relay.StreamRelay;
import dev.lancast.gateway.whep.WhepResource;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.http.HttpServer;
import dev.lancast.rtc.http.Response;
import dev.lancast.rtc.http.Router;
import dev.lancast.rtc.http.StaticResources;
import dev.lancast.rtc.ice.IceLiteServer;
import dev.lancast.rtc.multicast.GroupKey;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiver-gateway process: follows the bridge's catalog, joins each stream's groups on its
 * interface and serves every nearby browser over WHEP.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final EventLoops mediaLoops;
    private final EventLoops httpLoops;
    private final ExecutorService dtlsExecutor;
    private final IceLiteServer ice;
    private final FeedbackSender feedback;
    private final HttpServer http;
    private final CatalogPoller catalog;
    private final Map<String, StreamRelay> relays = new ConcurrentHashMap<>();
    private final NetworkInterface iface;
    private final GroupKey key;

    public Gateway(GatewayConfig config) {
        SecureRandom random = new SecureRandom();
        this.key = GroupKey.fromHex(1, config.multicast().groupKey());
        this.iface = Interfaces.resolve(config.multicast().iface());
        this.mediaLoops = new EventLoops("lancast-gateway-media", 1);
        this.httpLoops = new EventLoops("lancast-gateway-http", 1);
        this.dtlsExecutor = new ThreadPoolExecutor(2, 64, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new NamedThreadFactory("lancast-gateway-dtls", true));
        this.ice = new IceLiteServer(mediaLoops, config.media().listen().toSocketAddress(),
                Duration.ofSeconds(config.media().consentTimeoutSeconds()));
        EventLoop loop = ice.channel().eventLoop();
        this.feedback = new FeedbackSender(mediaLoops, loop, ice.localAddress().getAddress(), key, random,
                this::onRepair);
        ServerPeers peers = new ServerPeers(ice, DtlsCertificate.generate(), dtlsExecutor,
                config.media().advertise(), Duration.ofSeconds(20), random);
        Router router = new Router();
        WhepResource whep = new WhepResource(relays::get, peers, random);
        whep.register(router);
        StaticResources web = new StaticResources("web", Gateway.class.getClassLoader());
        router.route(HttpMethod.GET, "/", web.file("viewer.html"));
        router.route(HttpMethod.GET, "/assets/**", web.folder("assets"));
        router.route(HttpMethod.GET, "/healthz", request -> Response.text(200, "ok"));
        router.route(HttpMethod.GET, "/api/status", request -> Response.json(200, statusJson()));
        this.http = new HttpServer(httpLoops, config.http().listen().toSocketAddress(), router,
                config.http().maxBodyBytes(), Duration.ofSeconds(config.http().readTimeoutSeconds()));
        this.catalog = new CatalogPoller(config.bridgeUrl(), this::onCatalog);
        catalog.start();
        LOG.info("gateway ready: http://{} , media udp/{}, bridge {}, multicast on {}", http.localAddress(),
                ice.localAddress().getPort(), config.bridgeUrl(), iface.getName());
    }

    public InetSocketAddress httpAddress() {
        return http.localAddress();
    }

    public StreamRelay relay(String name) {
        return relays.get(name);
    }

    /** Counters an operator reads: viewers, multicast received and dropped, loss and its repair. */
    public Map<String, Object> status() {
        java.util.List<Map<String, Object>> list = new java.util.ArrayList<>();
        for (StreamRelay relay : relays.values()) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            StreamRelay.RepairStats repair = relay.repairStats();
            m.put("name", relay.name());
            m.put("live", relay.entry() != null && relay.entry().live());
            m.put("viewers", relay.viewerCount());
            m.put("multicastReceived", relay.received());
            m.put("multicastDropped", relay.dropped());
            m.put("lost", repair.lost());
            m.put("repaired", repair.repaired());
            m.put("unrecovered", repair.unrecovered());
            m.put("nackedPackets", repair.nackedPackets());
            m.put("viewerNacks", repair.viewerNacks());
            m.put("viewerRetransmissions", repair.viewerRetransmissions());
            list.add(m);
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("streams", list);
        out.put("sessions", ice.sessionCount());
        out.put("feedbackSent", feedback.sent());
        return out;
    }

    private String statusJson() {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(status());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A retransmission from the bridge joins its stream's path as if it came from the group. */
    private void onRepair(byte[] buf, int off, int len, InetSocketAddress from) {
        for (StreamRelay relay : relays.values()) {
            if (relay.owns(buf, off, len)) {
                relay.onDatagram(buf, off, len, from);
                return;
            }
        }
    }

    private void onCatalog(StreamCatalog next) {
        EventLoop loop = ice.channel().eventLoop();
        for (StreamCatalog.Stream s : next.streams()) {
            relays.computeIfAbsent(s.name(), n -> new StreamRelay(n, mediaLoops, loop, iface, key, ice.channel(), feedback))
                    .update(s);
        }
        relays.keySet().removeIf(name -> {
            boolean gone = next.streams().stream().noneMatch(s -> s.name().equals(name));
            if (gone) {
                relays.get(name).close();
                LOG.info("stream {} left the catalog", name);
            }
            return gone;
        });
    }

    @Override
    public void close() {
        catalog.close();
        http.close();
        relays.values().forEach(StreamRelay::close);
        ice.close();
        feedback.close();
        dtlsExecutor.shutdownNow();
        httpLoops.close();
        mediaLoops.close();
    }
}
