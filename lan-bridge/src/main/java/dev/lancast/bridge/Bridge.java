package dev.lancast.bridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancast.bridge.admin.AdminResource;
import dev.lancast.bridge.admin.StatsHistory;
import dev.lancast.bridge.auth.GatewayAuthorizer;
import dev.lancast.bridge.auth.ProofResource;
import dev.lancast.bridge.auth.RotateResource;
import dev.lancast.bridge.auth.RotationPacer;
import dev.lancast.bridge.auth.ViewerTokenSecret;
import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.bridge.config.BridgeConfig.StreamConfig;
import dev.lancast.bridge.discovery.BridgeAdvertiser;
import dev.lancast.bridge.discovery.GatewayRegistry;
import dev.lancast.bridge.discovery.GatewaysResource;
import dev.lancast.bridge.feedback.FeedbackListener;
import dev.lancast.bridge.feedback.StreamsBySsrc;
import dev.lancast.bridge.ingest.StreamIngest;
import dev.lancast.bridge.multicast.GroupPublisher;
import dev.lancast.bridge.multicast.MulticastSenders;
import dev.lancast.bridge.relay.RelayRegistry;
import dev.lancast.bridge.relay.RelaysResource;
import dev.lancast.bridge.relay.UnicastCopies;
import dev.lancast.bridge.whip.WhipResource;
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
import dev.lancast.rtc.catalog.GroupKeys;
import dev.lancast.rtc.multicast.GroupKeyring;
import dev.lancast.rtc.multicast.KeyIds;
import dev.lancast.rtc.metrics.Metrics;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.srtp.SrtpCryptoPath;
import dev.lancast.rtc.net.Interfaces;
import dev.lancast.rtc.time.WallClock;
import dev.lancast.rtc.peer.ServerPeers;
import dev.lancast.rtc.media.Track;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    /** The public feedback port's own loop: a flood of it never delays the broadcaster's path. */
    private final EventLoops feedbackLoops;
    private final MulticastSenders senders;
    private final EventLoops httpLoops;
    private final HandshakeThreads dtlsExecutor;
    private final IceLiteServer ice;
    private final FeedbackListener feedback;
    private final HttpFront http;
    private final Map<String, StreamIngest> streams = new java.util.concurrent.ConcurrentSkipListMap<>();
    /** The streams by their multicast SSRCs, for the feedback (made again when streams come and go). */
    private final StreamsBySsrc bySsrc = new StreamsBySsrc();
    private final NetworkInterface iface;
    private final dev.lancast.rtc.limits.PeriodicTask rotation;
    private final EventLoop loop;
    private final SecureRandom random = new SecureRandom();
    /** What viewer tokens are MACed with in the public catalog; gateways fetch it with the keys. */
    private final ViewerTokenSecret viewerSecret = new ViewerTokenSecret(random);
    private final GatewayAuthorizer gatewayAuth = new GatewayAuthorizer(() -> this.config.keys());
    private final RotationPacer rotations;
    private volatile BridgeConfig config;
    private final java.util.concurrent.atomic.AtomicLong reloads = new java.util.concurrent.atomic.AtomicLong();
    /** One id space for every keyring: a gateway tells a datagram's key by its id alone. */
    private final KeyIds keyIds;
    /** The keys gateways protect their feedback with; each stream has its own in its publisher. */
    private final GroupKeyring feedbackKeys;
    /** Held while all keyrings rotate and while /api/keys reads them. */
    private final Object keySetLock = new Object();
    private final ObjectMapper json = new ObjectMapper();
    private final GatewayRegistry gateways = new GatewayRegistry(System::currentTimeMillis);
    private final GatewaysResource gatewaysResource;
    private final dev.lancast.rtc.limits.PeriodicTask gatewayExpiry;
    /** The unicast fallback: copies of streams to gateways that multicast does not reach. */
    private final UnicastCopies unicast;
    private final RelayRegistry relays;
    private final dev.lancast.rtc.limits.PeriodicTask relayExpiry;
    /** The admin page's charts: an hour of samples, one every HISTORY_INTERVAL_SECONDS. */
    private static final int HISTORY_INTERVAL_SECONDS = 5;
    private final StatsHistory history = new StatsHistory(TimeUnit.HOURS.toMillis(1),
            TimeUnit.SECONDS.toMillis(HISTORY_INTERVAL_SECONDS), System::currentTimeMillis);
    private final dev.lancast.rtc.limits.PeriodicTask historySampling;
    /** The last config reload's outcome, for the admin page; null until one is tried. */
    private volatile ReloadOutcome lastReload;
    private final BridgeAdvertiser advertiser;
    private final LimitCounters limitCounters = new LimitCounters(List.of(Limit.SESSIONS, Limit.SESSIONS_PER_ADDRESS,
            Limit.REQUEST_TOO_LARGE, Limit.READ_TIMEOUT, Limit.DTLS_HANDSHAKE_TIMEOUT, Limit.STUN_WRONG_PASSWORD,
            Limit.GATEWAY_PLI, Limit.GATEWAY_NACK, Limit.STUN_RATE, Limit.CONNECTIONS_PER_ADDRESS));
    /** Every count /metrics and /api/status show, from one table (docs/architecture.md, "Counters"). */
    private final CounterTable counters = new CounterTable();

    /** Streams start at a random sequence number, as RFC 3550 asks. */
    private final int firstSequenceNumber;

    public Bridge(BridgeConfig config) {
        this(config, -1);
    }

    /**
     * @param firstSequenceNumber test only: the first multicast sequence number of every track
     *                            (near 65535, so tests reach the 16-bit wrap in seconds); -1: random
     */
    public Bridge(BridgeConfig config, int firstSequenceNumber) {
        if (firstSequenceNumber < -1 || firstSequenceNumber > 0xFFFF) {
            throw new IllegalArgumentException("first sequence number must be 0..65535 (or -1: random), got "
                    + firstSequenceNumber);
        }
        this.firstSequenceNumber = firstSequenceNumber;
        SrtpCryptoPath.warmUp(); // at start, not on a media loop at the first key
        this.config = config;
        this.keyIds = new KeyIds(random);
        this.feedbackKeys = new GroupKeyring(random, keyIds);
        this.iface = Interfaces.resolve(config.multicast().iface());
        // One media thread owns the ICE port, the group sockets and every session's SRTP state.
        this.mediaLoops = new EventLoops("lancast-bridge-media", 1);
        this.feedbackLoops = new EventLoops("lancast-bridge-feedback", 1);
        this.senders = new MulticastSenders(mediaLoops, iface);
        this.httpLoops = new EventLoops("lancast-bridge-http", 1);
        // A thread per handshake in progress, never a queue: see HandshakeThreads.
        this.dtlsExecutor = HandshakeThreads.forSessions("lancast-bridge-dtls", config.limits().maxSessions());
        Duration handshakeTimeout = Duration.ofSeconds(config.limits().dtlsHandshakeTimeoutSeconds());
        this.ice = new IceLiteServer(mediaLoops, config.media().listen().toSocketAddress(),
                Duration.ofSeconds(config.media().consentTimeoutSeconds()), handshakeTimeout, limitCounters,
                config.limits().stunPerAddressPerSecond());
        this.loop = ice.channel().eventLoop();
        this.unicast = new UnicastCopies(mediaLoops, loop, config.feedback().toSocketAddress());
        this.relays = new RelayRegistry(config.relays().max(), System::currentTimeMillis, this::copies);
        this.rotations = new RotationPacer(this::rotateKeys, viewerSecret::renew, loop, System::nanoTime);
        long rotate = config.keys().rotateSeconds();
        this.rotation = dev.lancast.rtc.limits.PeriodicTask.schedule(loop, "group key rotation", LOG, rotations::scheduled,
                rotate, rotate, TimeUnit.SECONDS);
        for (StreamConfig s : config.streams()) {
            streams.put(s.name(), newStream(s, config));
        }
        bySsrc.use(streams.values());
        this.feedback = new FeedbackListener(feedbackLoops, feedbackLoops.group().next(),
                config.feedback().toSocketAddress(), this::onKeyframeRequest, this::onNack, config.limits(),
                limitCounters, counters, System::nanoTime);
        feedback.useKeys(feedbackKeys.published());
        ServerPeers peers = new ServerPeers(ice, DtlsCertificate.generate(), dtlsExecutor,
                config.media().advertise(), handshakeTimeout, random);
        Router router = new Router();
        new WhipResource(streams::get, peers, random, new SessionAdmission(config.limits().maxSessions(),
                config.limits().maxSessionsPerAddress(), limitCounters)).register(router);
        StaticResources web = new StaticResources("web", Bridge.class.getClassLoader());
        router.route(HttpMethod.GET, "/api/streams", request -> Response.json(200, toJson(catalog())));
        router.route(HttpMethod.GET, "/api/status", request -> Response.json(200, toJson(status())));
        router.route(HttpMethod.GET, "/healthz", request -> Response.text(200, "ok"));
        router.route(HttpMethod.GET, "/api/keys", request -> Response.json(200, toJson(publishedKeys())),
                gatewayAuth::anyGateway);
        new RotateResource(rotations, () -> this.config.keys().adminTokens(), () -> toJson(keysInUse())).register(router);
        registerCounters();
        Metrics metrics = new Metrics(counters);
        router.route(HttpMethod.GET, "/metrics", request -> metrics.scrape());
        router.route(HttpMethod.GET, "/broadcast", web.file("broadcast.html"));
        router.route(HttpMethod.GET, "/assets/**", web.folder("assets"));
        // The pages' libraries, from their WebJars on the classpath: no CDN, the pages work offline.
        router.route(HttpMethod.GET, "/webjars/**",
                new StaticResources("META-INF/resources", Bridge.class.getClassLoader()).folder("webjars"));
        new AdminResource(() -> this.config.admin(), this::adminStatus, history, web).register(router);
        this.gatewaysResource = new GatewaysResource(gateways, gatewayAuth::namedGateway,
                () -> List.copyOf(streams.keySet()), () -> this.config.discovery().gatewayHostNames());
        gatewaysResource.register(router);
        new ProofResource(() -> this.config.keys().gatewayTokens(), this::httpsCertificate).register(router);
        // Keys and gateway credentials never cross plain HTTP (N2) unless a lab says so.
        router.credentialsOverHttpsOnly(config.http().allowPlainCredentials(), this::httpsHint,
                "/api/keys", "/api/keys/**", "/api/gateways/{name}/**", "/api/relays/**");
        // Status, keys, metrics, the registry and admin: for the bridge's own pages and for tools,
        // never for a page of another site that someone on the LAN opens (issue 14: CORS was *).
        router.ownOriginOnly("/api/status").ownOriginOnly("/api/keys/**").ownOriginOnly("/metrics")
                .ownOriginOnly("/api/gateways/**").ownOriginOnly("/admin/**").ownOriginOnly("/api/admin/**");
        new RelaysResource(relays, gatewayAuth::anyGateway, streams::containsKey).register(router);
        router.ownOriginOnly("/api/relays/**");
        this.relayExpiry = dev.lancast.rtc.limits.PeriodicTask.schedule(httpLoops.group().next(), "relay expiry", LOG,
                relays::expire, 1, 1, TimeUnit.SECONDS);
        this.gatewayExpiry = dev.lancast.rtc.limits.PeriodicTask.schedule(httpLoops.group().next(), "gateway expiry", LOG, gateways::expire,
                1, 1, TimeUnit.SECONDS);
        this.historySampling = dev.lancast.rtc.limits.PeriodicTask.schedule(httpLoops.group().next(), "admin history", LOG,
                this::sampleHistory, 0, HISTORY_INTERVAL_SECONDS, TimeUnit.SECONDS);
        this.http = new HttpFront(httpLoops, config.http(), router, random, limitCounters,
                new RateLimitedLog(LoggerFactory.getLogger(HttpServer.class),
                        Duration.ofSeconds(config.limits().logIntervalSeconds()), System::nanoTime));
        this.advertiser = config.discovery().mdns() ? advertiser(config) : null;
        LOG.info("bridge ready: {}, media udp/{}, {} stream(s), multicast on {}", http.describe(),
                ice.localAddress().getPort(), streams.size(), iface.getName());
    }

    private BridgeAdvertiser advertiser(BridgeConfig c) {
        NetworkInterface ni = c.discovery().iface() != null ? Interfaces.resolve(c.discovery().iface()) : iface;
        // Gateways fetch the group keys from the advertised port: HTTPS whenever the bridge has it.
        boolean https = http.tlsAddress() != null;
        int port = https ? http.tlsAddress().getPort() : http.plainAddress().getPort();
        return new BridgeAdvertiser(Interfaces.ipv4Address(ni), c.discovery().name(), https, port,
                List.copyOf(streams.keySet()), gateways);
    }

    private java.security.cert.X509Certificate httpsCertificate() {
        return http == null || http.tls() == null ? null : http.tls().identity().certificate();
    }

    /** Where gateways should fetch keys, for the refusal over plain HTTP. */
    private String httpsHint() {
        InetSocketAddress tls = http == null ? null : http.tlsAddress();
        return tls == null ? "give the bridge http.tls" : "the bridge serves them at https://"
                + (tls.getAddress().isAnyLocalAddress() ? "BRIDGE" : tls.getAddress().getHostAddress()) + ":" + tls.getPort();
    }

    private void rotateKeys() {
        synchronized (keySetLock) {
            feedbackKeys.rotate();
            for (StreamIngest s : streams.values()) {
                s.publisher().keys().rotate();
            }
        }
        feedback.useKeys(feedbackKeys.published());
        LOG.info("group keys rotated; in use: {}", keysInUse());
    }

    /** The id in use for feedback and for each stream, as POST /api/keys/rotate answers. */
    private Map<String, Object> keysInUse() {
        Map<String, Object> perStream = new LinkedHashMap<>();
        streams.values().forEach(s -> perStream.put(s.name(), s.publisher().keys().current().id()));
        return Map.of("feedback", feedbackKeys.current().id(), "streams", perStream);
    }

    /** Every keyring's set from one moment: a rotation of all rings is not seen half done. */
    private GroupKeys publishedKeys() {
        synchronized (keySetLock) {
            List<GroupKeys.Key> all = new java.util.ArrayList<>();
            feedbackKeys.published().forEach(k -> all.add(new GroupKeys.Key(k.id(), k.toHex(), null)));
            for (StreamIngest s : streams.values()) {
                s.publisher().keys().published().forEach(k -> all.add(new GroupKeys.Key(k.id(), k.toHex(), s.name())));
            }
            List<GroupKeys.StreamIndex> indexes = new java.util.ArrayList<>();
            for (StreamIngest s : streams.values()) {
                indexes.addAll(s.publishedIndexes());
            }
            return new GroupKeys(feedbackKeys.current().id(), all, indexes,
                    java.util.HexFormat.of().formatHex(viewerSecret.current()));
        }
    }

    /**
     * The counts of the parts that keep their own (BridgeCounters), read by callbacks; the others
     * count in the table (a stream's ingest and publisher: their series made with the stream).
     */
    private void registerCounters() {
        java.util.function.Supplier<java.util.Collection<StreamIngest>> all = streams::values;
        counters.register(BridgeCounters.STREAM_LIVE, all, StreamIngest::name, s -> s.isLive() ? 1 : 0);
        counters.register(BridgeCounters.MAX_BITRATE, all, StreamIngest::name, s -> s.config().maxBitrate());
        counters.register(GroupPublisher.KEY_ID, all, StreamIngest::name, s -> s.publisher().keys().current().id());
        counters.register(BridgeCounters.SESSIONS, ice::sessionCount);
        counters.register(BridgeCounters.DTLS_HANDSHAKES, dtlsExecutor::busy);
        gateways.registerIn(counters);
        counters.register(BridgeCounters.DTLS_FAILURES, ice::dtlsFailures);
        counters.register(BridgeCounters.STUN_REJECTED, () -> ice.badIntegrity() + ice.unknownUfrag());
        counters.register(RelayRegistry.RELAYS, () -> relays == null ? 0 : relays.size());
        counters.register(RelayRegistry.REFUSED, () -> relays == null ? 0 : relays.refused());
        counters.register(BridgeCounters.PERIODIC_TASK_FAILURES, () -> rotation.failures() + gatewayExpiry.failures()
                + relayExpiry.failures()
                + ice.taskFailures() + streams.values().stream().mapToLong(StreamIngest::taskFailures).sum());
        counters.register(BridgeCounters.CONFIG_RELOADS, reloads::get);
        counters.register(BridgeCounters.TLS_HANDSHAKE_FAILURES, () -> http == null ? 0 : http.tlsHandshakeFailures());
        limitCounters.registerIn(counters);
    }

    private StreamIngest newStream(StreamConfig s, BridgeConfig c) {
        return new StreamIngest(s, new GroupPublisher(new GroupKeyring(random, keyIds), senders.open(s, c), unicast,
                c.multicast().sendTimestamps() ? new WallClock() : null, System::nanoTime,
                counters, s.name()), loop, c.feedback().toString(), Interfaces.ipv4Address(interfaceOf(s)).getHostAddress(),
                random, firstSequenceNumber, System::nanoTime, counters);
    }

    private NetworkInterface interfaceOf(StreamConfig s) {
        return s.iface() != null ? Interfaces.resolve(s.iface()) : iface;
    }

    /**
     * Applies a reloaded config without a restart: streams are added, removed or changed (tokens,
     * maxBitrate, groups, TTL, DSCP) while the others keep running. Listen addresses, the interface
     * and the group key are fixed for the life of the process; a change there is reported and left.
     */
    public synchronized void apply(BridgeConfig next) throws InterruptedException, java.util.concurrent.ExecutionException {
        BridgeConfig current = config;
        http.reloadCertificate();
        if (current.keys().gatewayTokens().revokedIn(next.keys().gatewayTokens())
                || next.keys().gatewayAuth() == BridgeConfig.GatewayAuth.TOKEN
                && current.keys().gatewayAuth() != BridgeConfig.GatewayAuth.TOKEN) {
            rotations.revoked("config reload: a gateway credential was removed");
        }
        for (String fixed : restartOnlyChanges(current, next)) {
            LOG.warn("config reload: {} changed; that takes effect only after a restart", fixed);
        }
        for (String name : List.copyOf(streams.keySet())) {
            if (next.stream(name) == null) {
                StreamIngest gone = streams.remove(name);
                bySsrc.use(streams.values());
                relays.forget(name);
                gone.close();
                senders.forget(name);
                LOG.info("config reload: stream {} removed", name);
            }
        }
        for (StreamConfig s : next.streams()) {
            StreamIngest running = streams.get(s.name());
            if (running == null) {
                streams.put(s.name(), newStream(s, next));
                bySsrc.use(streams.values());
                LOG.info("config reload: stream {} added", s.name());
            } else if (!s.equals(running.config()) || current.multicast().ttl() != next.multicast().ttl()) {
                StreamConfig was = running.config();
                boolean moved = !s.groups().equals(was.groups())
                        || !java.util.Objects.equals(s.ttl(), was.ttl()) || !java.util.Objects.equals(s.iface(), was.iface())
                        || current.multicast().ttl() != next.multicast().ttl();
                running.reconfigure(s, moved ? senders.open(s, next) : null,
                        Interfaces.ipv4Address(interfaceOf(s)).getHostAddress());
                bySsrc.use(streams.values());
                LOG.info("config reload: stream {} changed{}", s.name(), moved ? " (groups, layers, TTL or DSCP)" : "");
            }
        }
        config = new BridgeConfig(current.http(), current.media(), current.feedback(),
                new BridgeConfig.MulticastSettings(current.multicast().iface(), next.multicast().ttl(),
                        current.multicast().sendTimestamps()), next.keys(),
                next.streams(), current.logging(), current.limits(), current.discovery(), next.admin(),
                current.relays(), current.stateDirectory());
        if (advertiser != null) {
            advertiser.updateStreams(List.copyOf(streams.keySet()));
        }
        reloads.incrementAndGet();
        lastReload = new ReloadOutcome(System.currentTimeMillis(), true, "applied");
    }

    /** What the last config reload did: applied, or rejected and why (the running config stayed). */
    public record ReloadOutcome(long atMillis, boolean applied, String message) {
    }

    /** Notes a reload whose file did not load, so the admin page can say why the config stayed. */
    public void reloadRejected(String reason) {
        lastReload = new ReloadOutcome(System.currentTimeMillis(), false, reason);
    }

    private void sampleHistory() {
        int viewers = 0;
        for (GatewayRegistry.Entry g : gateways.list()) {
            viewers += g.info().viewers();
        }
        Map<String, Long> bitrate = new LinkedHashMap<>();
        streams.values().forEach(s -> bitrate.put(s.name(), s.receiveBitrate()));
        history.record(viewers, bitrate);
    }

    private static List<String> restartOnlyChanges(BridgeConfig a, BridgeConfig b) {
        List<String> changed = new java.util.ArrayList<>();
        if (!a.http().equals(b.http())) {
            changed.add("http");
        }
        if (!a.media().equals(b.media())) {
            changed.add("media");
        }
        if (!a.feedback().equals(b.feedback())) {
            changed.add("feedback");
        }
        if (!a.multicast().iface().equals(b.multicast().iface())) {
            changed.add("multicast.interface");
        }
        if (a.keys().rotateSeconds() != b.keys().rotateSeconds()) {
            changed.add("keys.rotateSeconds");
        }
        if (!a.logging().equals(b.logging())) {
            changed.add("logging");
        }
        if (!a.discovery().equals(b.discovery())) {
            changed.add("discovery");
        }
        if (!a.limits().equals(b.limits())) {
            changed.add("limits");
        }
        if (!a.relays().equals(b.relays())) {
            changed.add("relays");
        }
        return changed;
    }

    public long reloads() {
        return reloads.get();
    }

    /** The plain HTTP address (null when plain HTTP is off or only redirects). */
    public InetSocketAddress httpAddress() {
        return http.plainAddress();
    }

    /** The HTTPS address, or null without http.tls. */
    public InetSocketAddress httpsAddress() {
        return http.tlsAddress();
    }

    /** The keys gateways protect their feedback with (each stream's are in its publisher). */
    public GroupKeyring feedbackKeys() {
        return feedbackKeys;
    }

    /** The gateways the bridge knows of now (docs/architecture.md, "Discovery"). */
    public List<GatewayRegistry.Entry> gateways() {
        return gateways.list();
    }

    public StreamIngest stream(String name) {
        return streams.get(name);
    }

    public StreamCatalog catalog() {
        byte[] secret = viewerSecret.current();
        return new StreamCatalog(streams.values().stream().map(s -> s.catalogEntry(s.publisher().keys().current().id(),
                secret)).toList());
    }

    /**
     * Counters an operator reads to see whether media flows and what the repair path does: the
     * counter table's (the same values as /metrics) plus each stream's config and the registry.
     */
    public Map<String, Object> status() {
        Map<String, Map<String, Object>> byStream = counters.statusBy("stream");
        List<Map<String, Object>> list = new java.util.ArrayList<>();
        for (StreamIngest s : streams.values()) {
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
        out.put("gateways", gatewaysResource.list());
        out.put("gatewayReports", feedback.reports().current(15_000));
        out.put("relays", relays.list().stream().map(r -> Map.of("stream", r.stream(), "gateway",
                r.to().getAddress().getHostAddress() + ":" + r.to().getPort(), "reason", r.reason(),
                "since", java.time.Instant.ofEpochMilli(r.sinceMillis()).toString())).toList());
        if (advertiser != null) {
            out.put("discovery", Map.of("mdnsAddress", advertiser.boundAddress(), "name", advertiser.instanceName()));
        }
        out.putAll(counters.status("stream"));
        return out;
    }

    /** The process's counters, from which /metrics and /api/status are made. */
    public CounterTable counters() {
        return counters;
    }

    /**
     * What the admin page shows: the status plus the last config reload's outcome, whose reason
     * quotes the config file and so stays behind the admin check.
     */
    private Map<String, Object> adminStatus() {
        Map<String, Object> out = status();
        ReloadOutcome reload = lastReload;
        if (reload != null) {
            out.put("lastReload", Map.of("at", java.time.Instant.ofEpochMilli(reload.atMillis()).toString(),
                    "applied", reload.applied(), "message", reload.message()));
        }
        return out;
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A stream's unicast copies changed (an HTTP thread or the expiry timer): to its publisher, on the media loop. */
    private void copies(String stream, InetSocketAddress[] to, Map<InetSocketAddress, int[]> from) {
        StreamIngest s = streams.get(stream);
        if (s != null) {
            loop.execute(() -> s.publisher().copyTo(to, from));
        }
    }

    /** A gateway's PLI or FIR (on the feedback loop): to the stream one of whose video layers' SSRC it names. */
    private void onKeyframeRequest(long mediaSsrc) {
        StreamIngest s = bySsrc.stream(mediaSsrc);
        if (s != null) {
            s.keyframeRequested(mediaSsrc);
        }
    }

    /** A gateway's NACK (on the feedback loop): the stream's publisher resends from its cache, on the media loop. */
    private void onNack(long mediaSsrc, int[] seqs, int count, InetSocketAddress gateway,
                        io.netty.channel.socket.DatagramChannel via) {
        StreamIngest s = bySsrc.stream(mediaSsrc);
        if (s != null) {
            s.nacked(mediaSsrc, seqs, count, gateway, via);
        }
    }

    @Override
    public void close() {
        rotation.cancel();
        gatewayExpiry.cancel();
        relayExpiry.cancel();
        historySampling.cancel();
        if (advertiser != null) {
            advertiser.close();
        }
        http.close();
        for (StreamIngest s : List.copyOf(streams.values())) {
            s.close();
        }
        feedback.close();
        unicast.close();
        ice.close();
        dtlsExecutor.close();
        httpLoops.close();
        feedbackLoops.close();
        mediaLoops.close();
    }
}
