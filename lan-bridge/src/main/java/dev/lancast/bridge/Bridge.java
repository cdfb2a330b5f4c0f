package dev.lancast.bridge;

import dev.lancast.bridge.admin.StatsHistory;
import dev.lancast.bridge.auth.GatewayAuthorizer;
import dev.lancast.bridge.auth.RotationPacer;
import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.bridge.discovery.BridgeAdvertiser;
import dev.lancast.bridge.discovery.GatewayRegistry;
import dev.lancast.bridge.discovery.GatewaysResource;
import dev.lancast.bridge.feedback.FeedbackListener;
import dev.lancast.bridge.ingest.StreamIngest;
import dev.lancast.bridge.keys.BridgeKeys;
import dev.lancast.bridge.multicast.GroupPublisher;
import dev.lancast.bridge.multicast.MulticastSenders;
import dev.lancast.bridge.relay.RelayRegistry;
import dev.lancast.bridge.relay.UnicastCopies;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.dtls.HandshakeThreads;
import dev.lancast.rtc.http.HttpFront;
import dev.lancast.rtc.http.HttpServer;
import dev.lancast.rtc.ice.IceLiteServer;
import dev.lancast.rtc.limits.Limit;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.limits.PeriodicTask;
import dev.lancast.rtc.limits.RateLimitedLog;
import dev.lancast.rtc.limits.SessionAdmission;
import dev.lancast.rtc.multicast.GroupKeyring;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.net.Interfaces;
import dev.lancast.rtc.srtp.SrtpCryptoPath;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lan-bridge process, wired: terminates the broadcaster's WebRTC session (WHIP) and re-emits
 * its media once on the multicast groups, encrypted with the group key; publishes the catalog and
 * the keys, listens for the gateways' feedback. Threads: one media loop (ICE port, group sockets,
 * every session's SRTP), one feedback loop, one HTTP loop (requests, timers, key rotation), a
 * thread per DTLS handshake (docs/architecture.md, "Threads").
 */
public final class Bridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Bridge.class);
    /** The admin page's charts: an hour of samples, one every HISTORY_INTERVAL_SECONDS. */
    private static final int HISTORY_INTERVAL_SECONDS = 5;

    private final EventLoops mediaLoops = new EventLoops("lancast-bridge-media", 1);
    /** The public feedback port's own loop: a flood of it never delays the broadcaster's path. */
    private final EventLoops feedbackLoops = new EventLoops("lancast-bridge-feedback", 1);

    private final EventLoops httpLoops = new EventLoops("lancast-bridge-http", 1);
    private final HandshakeThreads dtlsExecutor;
    private final IceLiteServer ice;
    private final MulticastSenders senders;
    private final UnicastCopies unicast;
    private final BridgeKeys keys;
    private final BridgeStreams streams;
    private final RelayRegistry relays;
    private final FeedbackListener feedback;
    private final RotationPacer rotations;
    private final GatewayRegistry gateways = new GatewayRegistry(System::currentTimeMillis);
    private final HttpFront http;
    private final BridgeAdvertiser advertiser;
    private final BridgeStatus status;
    private final List<PeriodicTask> timers;
    private final SecureRandom random = new SecureRandom();
    private final GatewayAuthorizer gatewayAuth = new GatewayAuthorizer(() -> this.config.keys());
    private final StatsHistory history = new StatsHistory(
            TimeUnit.HOURS.toMillis(1), TimeUnit.SECONDS.toMillis(HISTORY_INTERVAL_SECONDS), System::currentTimeMillis);
    private final Reloads reloads = new Reloads(System::currentTimeMillis);
    private final LimitCounters limitCounters = new LimitCounters(List.of(
            Limit.SESSIONS,
            Limit.SESSIONS_PER_ADDRESS,
            Limit.REQUEST_TOO_LARGE,
            Limit.READ_TIMEOUT,
            Limit.DTLS_HANDSHAKE_TIMEOUT,
            Limit.STUN_WRONG_PASSWORD,
            Limit.GATEWAY_PLI,
            Limit.GATEWAY_NACK,
            Limit.STUN_RATE,
            Limit.CONNECTIONS_PER_ADDRESS));
    /** Every count /metrics and /api/status show, from one table (docs/architecture.md, "Counters"). */
    private final CounterTable counters = new CounterTable();

    private volatile BridgeConfig config;

    public Bridge(BridgeConfig config) {
        this(config, -1);
    }

    /**
     * @param firstSequenceNumber test only: the first multicast sequence number of every track
     *                            (near 65535, so tests reach the 16-bit wrap in seconds); -1: random
     *                            (RFC 3550)
     */
    public Bridge(BridgeConfig config, int firstSequenceNumber) {
        if (firstSequenceNumber < -1 || firstSequenceNumber > 0xFFFF) {
            throw new IllegalArgumentException(
                    "first sequence number must be 0..65535 (or -1: random), got " + firstSequenceNumber);
        }
        SrtpCryptoPath.warmUp(); // at start, not on a media loop at the first key
        this.config = config;
        NetworkInterface iface = Interfaces.resolve(config.multicast().iface());
        this.senders = new MulticastSenders(mediaLoops, iface);
        // A thread per handshake in progress, never a queue: see HandshakeThreads.
        this.dtlsExecutor = HandshakeThreads.forSessions(
                "lancast-bridge-dtls", config.limits().maxSessions());
        Duration handshakeTimeout = Duration.ofSeconds(config.limits().dtlsHandshakeTimeoutSeconds());
        this.ice = new IceLiteServer(
                mediaLoops,
                config.media().listen().toSocketAddress(),
                Duration.ofSeconds(config.media().consentTimeoutSeconds()),
                handshakeTimeout,
                limitCounters,
                config.limits().stunPerAddressPerSecond());
        EventLoop media = ice.channel().eventLoop();
        EventLoop control = httpLoops.group().next();
        this.unicast = new UnicastCopies(mediaLoops, media, config.feedback().toSocketAddress());
        this.keys = new BridgeKeys(random);
        this.streams = new BridgeStreams(
                media, senders, unicast, keys, iface, random, firstSequenceNumber, System::nanoTime, counters);
        streams.start(config);
        this.relays = new RelayRegistry(config.relays().max(), System::currentTimeMillis, streams::copies);
        this.feedback = new FeedbackListener(
                feedbackLoops,
                feedbackLoops.group().next(),
                config.feedback().toSocketAddress(),
                streams::keyframeRequested,
                streams::nacked,
                config.limits(),
                limitCounters,
                counters,
                System::nanoTime);
        feedback.useKeys(keys.feedback().published());
        this.rotations = new RotationPacer(
                () -> feedback.useKeys(keys.rotateAll(streams.all())),
                keys::renewViewerSecret,
                control,
                System::nanoTime);
        GatewaysResource gatewaysResource = new GatewaysResource(
                gateways,
                gatewayAuth::namedGateway,
                streams::names,
                () -> this.config.discovery().gatewayHostNames());
        this.http = new HttpFront(
                httpLoops,
                config.http(),
                BridgeRoutes.of(
                        config,
                        () -> this.config,
                        ice,
                        dtlsExecutor,
                        handshakeTimeout,
                        random,
                        streams,
                        new SessionAdmission(
                                config.limits().maxSessions(), config.limits().maxSessionsPerAddress(), limitCounters),
                        this::statusOnceMade,
                        keys,
                        gatewayAuth,
                        rotations,
                        counters,
                        history,
                        gatewaysResource,
                        relays,
                        this::httpOnceMade),
                random,
                limitCounters,
                new RateLimitedLog(
                        LoggerFactory.getLogger(HttpServer.class),
                        Duration.ofSeconds(config.limits().logIntervalSeconds()),
                        System::nanoTime));
        this.advertiser = config.discovery().mdns() ? advertiser(config, iface) : null;
        this.status = new BridgeStatus(
                counters, streams, senders, gatewaysResource, gateways, feedback, relays, advertiser, reloads);
        long rotate = config.keys().rotateSeconds();
        this.timers = List.of(
                PeriodicTask.schedule(
                        control, "group key rotation", LOG, rotations::scheduled, rotate, rotate, TimeUnit.SECONDS),
                PeriodicTask.schedule(control, "relay expiry", LOG, relays::expire, 1, 1, TimeUnit.SECONDS),
                PeriodicTask.schedule(control, "gateway expiry", LOG, gateways::expire, 1, 1, TimeUnit.SECONDS),
                PeriodicTask.schedule(
                        control,
                        "admin history",
                        LOG,
                        () -> status.sampleInto(history),
                        0,
                        HISTORY_INTERVAL_SECONDS,
                        TimeUnit.SECONDS));
        registerCounters();
        LOG.info(
                "bridge ready: {}, media udp/{}, {} stream(s), multicast on {}",
                http.describe(),
                ice.localAddress().getPort(),
                streams.all().size(),
                iface.getName());
    }

    /** The routes are made before the status and the HTTP front that serves them: they read these at request time. */
    private BridgeStatus statusOnceMade() {
        return status;
    }

    /** Null while the constructor makes the HTTP front. */
    private HttpFront httpOnceMade() {
        return http;
    }

    private BridgeAdvertiser advertiser(BridgeConfig c, NetworkInterface iface) {
        NetworkInterface ni =
                c.discovery().iface() != null ? Interfaces.resolve(c.discovery().iface()) : iface;
        // Gateways fetch the group keys from the advertised port: HTTPS whenever the bridge has it.
        boolean https = http.tlsAddress() != null;
        int port = https ? http.tlsAddress().getPort() : http.plainAddress().getPort();
        return new BridgeAdvertiser(
                Interfaces.ipv4Address(ni), c.discovery().name(), https, port, streams.names(), gateways);
    }

    /** The counts of the parts that keep their own, read by callbacks (docs/architecture.md, "Counters"). */
    private void registerCounters() {
        counters.register(BridgeCounters.STREAM_LIVE, streams::all, StreamIngest::name, s -> s.isLive() ? 1 : 0);
        counters.register(
                BridgeCounters.MAX_BITRATE,
                streams::all,
                StreamIngest::name,
                s -> s.config().maxBitrate());
        counters.register(
                GroupPublisher.KEY_ID,
                streams::all,
                StreamIngest::name,
                s -> s.publisher().keys().current().id());
        counters.register(BridgeCounters.SESSIONS, ice::sessionCount);
        counters.register(BridgeCounters.DTLS_HANDSHAKES, dtlsExecutor::busy);
        gateways.registerIn(counters);
        counters.register(BridgeCounters.DTLS_FAILURES, ice::dtlsFailures);
        counters.register(BridgeCounters.STUN_REJECTED, () -> ice.badIntegrity() + ice.unknownUfrag());
        counters.register(RelayRegistry.RELAYS, relays::size);
        counters.register(RelayRegistry.REFUSED, relays::refused);
        counters.register(RelayRegistry.MAX, relays::max);
        counters.register(
                BridgeCounters.PERIODIC_TASK_FAILURES,
                () -> timers.stream().mapToLong(PeriodicTask::failures).sum()
                        + ice.taskFailures()
                        + streams.all().stream()
                                .mapToLong(StreamIngest::taskFailures)
                                .sum());
        counters.register(BridgeCounters.CONFIG_RELOADS, reloads::count);
        counters.register(BridgeCounters.TLS_HANDSHAKE_FAILURES, http::tlsHandshakeFailures);
        limitCounters.registerIn(counters);
    }

    /**
     * Applies a reloaded config without a restart: streams are added, removed or changed (tokens,
     * maxBitrate, groups, TTL, DSCP) while the others keep running. Listen addresses, the interface
     * and the timers are fixed for the life of the process; a change there is reported and left.
     */
    public synchronized void apply(BridgeConfig next) throws InterruptedException, ExecutionException {
        BridgeConfig current = config;
        http.reloadCertificate();
        if (ConfigChanges.revokesGateways(current, next)) {
            rotations.revoked("config reload: a gateway credential was removed");
        }
        for (String fixed : ConfigChanges.restartOnly(current, next)) {
            LOG.warn("config reload: {} changed; that takes effect only after a restart", fixed);
        }
        streams.reload(current, next).forEach(relays::forget);
        config = ConfigChanges.applied(current, next);
        if (advertiser != null) {
            advertiser.updateStreams(streams.names());
        }
        reloads.applied();
    }

    /** Notes a reload whose file did not load, so the admin page can say why the config stayed. */
    public void reloadRejected(String reason) {
        reloads.rejected(reason);
    }

    public long reloads() {
        return reloads.count();
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
        return keys.feedback();
    }

    /** The gateways the bridge knows of now (docs/architecture.md, "Discovery"). */
    public List<GatewayRegistry.Entry> gateways() {
        return gateways.list();
    }

    public StreamIngest stream(String name) {
        return streams.get(name);
    }

    public StreamCatalog catalog() {
        return streams.catalog();
    }

    /** What /api/status answers (the counter table's values with each stream's config and sockets). */
    public Map<String, Object> status() {
        return status.status();
    }

    /** The process's counters, from which /metrics and /api/status are made. */
    public CounterTable counters() {
        return counters;
    }

    @Override
    public void close() {
        timers.forEach(PeriodicTask::cancel);
        if (advertiser != null) {
            advertiser.close();
        }
        http.close();
        streams.close();
        feedback.close();
        unicast.close();
        ice.close();
        dtlsExecutor.close();
        httpLoops.close();
        feedbackLoops.close();
        mediaLoops.close();
    }
}
