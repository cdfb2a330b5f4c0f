package dev.lancast.gateway;

import dev.lancast.gateway.catalog.BridgeCopies;
import dev.lancast.gateway.catalog.CatalogPoller;
import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.gateway.discovery.GatewayPresence;
import dev.lancast.gateway.discovery.PeersResource;
import dev.lancast.gateway.discovery.SubnetPeers;
import dev.lancast.gateway.drain.GatewayDrain;
import dev.lancast.gateway.quality.QualityResource;
import dev.lancast.gateway.quality.ViewerQuality;
import dev.lancast.gateway.relay.FeedbackSender;
import dev.lancast.gateway.relay.RepairRouter;
import dev.lancast.gateway.relay.StreamRelay;
import dev.lancast.gateway.trust.BridgeTrust;
import dev.lancast.gateway.whep.WhepOrigins;
import dev.lancast.gateway.whep.WhepResource;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.dtls.HandshakeThreads;
import dev.lancast.rtc.http.HttpFront;
import dev.lancast.rtc.http.HttpServer;
import dev.lancast.rtc.http.Response;
import dev.lancast.rtc.http.Router;
import dev.lancast.rtc.http.StaticResources;
import dev.lancast.rtc.ice.IceLiteServer;
import dev.lancast.rtc.limits.Limit;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.limits.RateLimitedLog;
import dev.lancast.rtc.limits.SessionAdmission;
import dev.lancast.rtc.metrics.Metrics;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.net.Interfaces;
import dev.lancast.rtc.peer.ServerPeers;
import dev.lancast.rtc.srtp.SrtpCryptoPath;
import dev.lancast.rtc.tls.TlsFileException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    private final HandshakeThreads dtlsExecutor;
    private final IceLiteServer ice;
    private final FeedbackSender feedback;
    /** The bridge's unicast datagrams to their stream's relay, by SSRC (the first media loop's). */
    private final RepairRouter repairs = new RepairRouter();

    private final HttpFront http;
    private final CatalogPoller catalog;
    /** The unicast copies asked of the bridge for streams whose groups are silent. */
    private final BridgeCopies copies;

    private final GatewayStreams streams;
    private final GatewayStatus status;
    private final GatewayConfig config;
    private final GatewayPresence presence;
    private final GatewayDrain drain;
    private final LimitCounters limitCounters = new LimitCounters(List.of(
            Limit.SESSIONS,
            Limit.SESSIONS_PER_ADDRESS,
            Limit.REQUEST_TOO_LARGE,
            Limit.READ_TIMEOUT,
            Limit.DTLS_HANDSHAKE_TIMEOUT,
            Limit.STUN_WRONG_PASSWORD,
            Limit.VIEWER_PLI,
            Limit.VIEWER_NACK,
            Limit.STUN_RATE,
            Limit.CONNECTIONS_PER_ADDRESS));
    /** Every count /metrics and /api/status show, from one table (docs/architecture.md, "Counters"). */
    private final CounterTable counters = new CounterTable();
    /** What the viewers' pages report of their playback (freezes, stalls, joins), per stream. */
    private final ViewerQuality quality;

    public Gateway(GatewayConfig config) {
        this(config, () -> {});
    }

    /** @param onDrained runs when a drain asked for over the API is done (the process stops) */
    public Gateway(GatewayConfig config, Runnable onDrained) {
        this.config = config;
        SrtpCryptoPath.warmUp(); // at start, not on a media loop at the first key
        SecureRandom random = new SecureRandom();
        NetworkInterface iface = Interfaces.resolve(config.multicast().iface());
        int mediaThreads = config.media().effectiveThreads();
        this.mediaLoops = new EventLoops("lancast-gateway-media", mediaThreads);
        this.httpLoops = new EventLoops("lancast-gateway-http", 1);
        // A thread per handshake in progress, never a queue: see HandshakeThreads.
        this.dtlsExecutor = HandshakeThreads.forSessions(
                "lancast-gateway-dtls", config.limits().maxSessions());
        Duration handshakeTimeout = Duration.ofSeconds(config.limits().dtlsHandshakeTimeoutSeconds());
        this.ice = new IceLiteServer(
                mediaLoops,
                mediaThreads,
                config.media().listen().toSocketAddress(),
                Duration.ofSeconds(config.media().consentTimeoutSeconds()),
                handshakeTimeout,
                limitCounters,
                config.limits().stunPerAddressPerSecond());
        EventLoop loop = ice.channel().eventLoop();
        this.feedback = new FeedbackSender(
                mediaLoops, loop, ice.localAddress().getAddress(), random, repairs::onDatagram, counters);
        BridgeTrust bridgeTrust;
        try {
            bridgeTrust = new BridgeTrust(config, GatewayPresence.nameOf(config, iface), random, System::nanoTime);
        } catch (TlsFileException e) {
            throw new IllegalStateException("bridgeTls." + e.field() + ": " + e.getMessage(), e);
        }
        this.copies = new BridgeCopies(
                this::bridgeUrl,
                (base, request) -> bridgeTrust.send(base, request, HttpResponse.BodyHandlers.ofString(), true),
                feedback.localAddress().getPort());
        this.streams = new GatewayStreams(
                mediaLoops,
                loop,
                ice.channels(),
                iface,
                feedback,
                repairs,
                copies,
                config.multicast().fallbackMs(),
                counters,
                System::nanoTime,
                this::announceSoon);
        SubnetPeers subnetPeers = new SubnetPeers(bridgeTrust, System::nanoTime);
        this.drain = new GatewayDrain(
                config.drain(),
                streams::viewers,
                subnetPeers,
                this::announceSoon,
                System::nanoTime,
                config.bridgeToken());
        ServerPeers peers = new ServerPeers(
                ice,
                DtlsCertificate.generate(),
                dtlsExecutor,
                config.media().advertise(),
                handshakeTimeout,
                random,
                System::nanoTime);
        WhepOrigins origins = new WhepOrigins(
                WhepOrigins.policiesOf(streams::get),
                this::fromBridgeHost,
                this::ownOrigin,
                config.discovery().hostName());
        WhepResource whep = new WhepResource(
                streams::get,
                peers,
                origins,
                random,
                new SessionAdmission(
                        config.limits().maxSessions(), config.limits().maxSessionsPerAddress(), limitCounters),
                config.limits(),
                limitCounters,
                drain::redirectOffer);
        this.quality = new ViewerQuality(
                whep::hasSession, streams::names, config.limits().maxSessions(), System::nanoTime);
        this.status = new GatewayStatus(counters, streams, quality::status);
        this.http = new HttpFront(
                httpLoops,
                config.http(),
                routes(config, whep, origins, subnetPeers, onDrained),
                random,
                limitCounters,
                new RateLimitedLog(
                        LoggerFactory.getLogger(HttpServer.class),
                        Duration.ofSeconds(config.limits().logIntervalSeconds()),
                        System::nanoTime));
        // Viewers are sent to the plain port when it serves pages, else to HTTPS.
        boolean https = http.plainAddress() == null;
        int viewerPort =
                https ? http.tlsAddress().getPort() : http.plainAddress().getPort();
        this.presence = new GatewayPresence(
                config,
                iface,
                https,
                viewerPort,
                bridgeTrust,
                () -> new GatewayPresence.Load(
                        streams.serving(), streams.viewers(), drain.draining(), LayersReport.of(streams.all())),
                subnetPeers);
        registerCounters();
        this.catalog = new CatalogPoller(
                bridgeTrust, presence::bridgeUrl, this::onCatalog, streams::onKeys, streams::onIndexes);
        catalog.start();
        LOG.info(
                "gateway ready: {} as {}, media udp/{} on {} loop(s), bridge {}, multicast on {}",
                http.describe(),
                presence.describe(),
                ice.localAddress().getPort(),
                ice.channels().size(),
                config.bridgeUrl() != null ? config.bridgeUrl() : "from mDNS",
                iface.getName());
    }

    /** Every HTTP route of the gateway; made before the server starts (the router is not changed while it serves). */
    private Router routes(
            GatewayConfig config, WhepResource whep, WhepOrigins origins, SubnetPeers subnetPeers, Runnable onDrained) {
        Router router = new Router();
        whep.register(router);
        new QualityResource(quality).register(router, origins);
        router.route(
                HttpMethod.GET,
                "/api/peers",
                new PeersResource(() -> presence.name(), subnetPeers, drain, this::bridgeUrl)::handle);
        router.route(HttpMethod.POST, "/api/drain", request -> drain.handle(request, onDrained));
        StaticResources web = new StaticResources("web", Gateway.class.getClassLoader());
        router.route(HttpMethod.GET, "/", web.file("viewer.html"));
        router.route(HttpMethod.GET, "/assets/**", web.folder("assets"));
        router.route(HttpMethod.GET, "/healthz", request -> Response.text(200, "ok"));
        router.route(HttpMethod.GET, "/api/status", request -> Response.jsonOf(200, status()));
        Metrics metrics = new Metrics(counters);
        router.route(HttpMethod.GET, "/metrics", request -> metrics.scrape());
        // No CORS for other sites' pages; the status also for the admin page of the bridge we serve
        // (on its plain or its HTTPS port: the gateway knows the bridge's HTTPS URL only).
        router.ownOriginOnly("/api/status", this::fromBridgeHost).ownOriginOnly("/metrics");
        return router;
    }

    /** The bridge's catalog: the relays follow it, and a stream that left takes its viewers' figures along. */
    private void onCatalog(StreamCatalog next) {
        streams.onCatalog(next);
        quality.retain(streams.names());
    }

    private void announceSoon() {
        if (presence != null) { // the catalog and keys come only after the presence exists; drains too
            presence.announceSoon();
        }
    }

    /** The bridge in use (configured or discovered); null before the presence exists. */
    private String bridgeUrl() {
        return presence == null ? null : presence.bridgeUrl();
    }

    /**
     * Drains (capacity 0, viewers told to move) and returns when the last viewer has gone or the
     * drain's deadline has passed; for the process's stop. See {@link GatewayDrain}.
     */
    public void drain(String why) throws InterruptedException {
        drain.drainAndWait(why);
    }

    /**
     * A reloaded gateway config: the streams a gateway serves come from the bridge's catalog and
     * follow its changes by themselves; the gateway's own settings (listen addresses, interface,
     * key, bridge URL) are fixed for the life of the process, so a change is reported, not applied.
     */
    public void apply(GatewayConfig next) {
        if (!next.equals(config)) {
            LOG.warn("config reload: gateway settings changed; they take effect only after a restart");
        }
        http.reloadCertificate();
    }

    /** The plain HTTP address (null when plain HTTP is off or only redirects). */
    public InetSocketAddress httpAddress() {
        return http.plainAddress();
    }

    /** The HTTPS address, or null without http.tls. */
    public InetSocketAddress httpsAddress() {
        return http.tlsAddress();
    }

    public StreamRelay relay(String name) {
        return streams.get(name);
    }

    /**
     * The counts of the parts that keep their own (GatewayCounters), read by callbacks; the others
     * count in the table (a stream's media path: RelayCounters, its series made with its relay).
     */
    private void registerCounters() {
        counters.register(
                GatewayCounters.LIVE,
                streams::all,
                StreamRelay::name,
                r -> r.entry() != null && r.entry().live() ? 1 : 0);
        counters.register(GatewayCounters.VIEWERS, streams::all, StreamRelay::name, StreamRelay::viewerCount);
        counters.register(GatewayCounters.HAS_KEY, streams::all, StreamRelay::name, r -> r.hasCurrentKey() ? 1 : 0);
        counters.register(GatewayCounters.CROSS_LOOP_DATAGRAMS, ice::crossLoopDatagrams);
        counters.register(GatewayCounters.SESSIONS, ice::sessionCount);
        counters.register(GatewayCounters.DTLS_HANDSHAKES, dtlsExecutor::busy);
        counters.register(GatewayCounters.DTLS_FAILURES, ice::dtlsFailures);
        counters.register(GatewayCounters.TLS_HANDSHAKE_FAILURES, http::tlsHandshakeFailures);
        limitCounters.registerIn(counters);
        quality.registerIn(counters);
        counters.register(
                GatewayCounters.PERIODIC_TASK_FAILURES,
                () -> ice.taskFailures()
                        + streams.all().stream()
                                .mapToLong(StreamRelay::taskFailures)
                                .sum());
    }

    /** What /api/status answers: see {@link GatewayStatus}. */
    public Map<String, Object> status() {
        return status.of(presence);
    }

    /** The process's counters, from which /metrics and /api/status are made. */
    public CounterTable counters() {
        return counters;
    }

    /** The origin of the viewer page's URL this gateway gives out. */
    private String ownOrigin() {
        return WhepOrigins.origin(presence.url());
    }

    /** Whether a page's Origin is on the host of the bridge in use (its admin page reads our status). */
    private boolean fromBridgeHost(String requestOrigin) {
        return WhepOrigins.onHostOf(requestOrigin, bridgeUrl());
    }

    @Override
    public void close() {
        drain.close();
        presence.close();
        catalog.close();
        copies.close();
        http.close();
        streams.close();
        ice.close();
        feedback.close();
        dtlsExecutor.close();
        httpLoops.close();
        mediaLoops.close();
    }
}
