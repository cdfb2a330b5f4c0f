package dev.lancast.bridge;

import dev.lancast.bridge.admin.AdminResource;
import dev.lancast.bridge.admin.StatsHistory;
import dev.lancast.bridge.auth.GatewayAuthorizer;
import dev.lancast.bridge.auth.ProofResource;
import dev.lancast.bridge.auth.RotateResource;
import dev.lancast.bridge.auth.RotationPacer;
import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.bridge.discovery.GatewaysResource;
import dev.lancast.bridge.keys.BridgeKeys;
import dev.lancast.bridge.relay.RelayRegistry;
import dev.lancast.bridge.relay.RelaysResource;
import dev.lancast.bridge.whip.WhipResource;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.dtls.HandshakeThreads;
import dev.lancast.rtc.http.HttpFront;
import dev.lancast.rtc.http.Response;
import dev.lancast.rtc.http.Router;
import dev.lancast.rtc.http.StaticResources;
import dev.lancast.rtc.ice.IceLiteServer;
import dev.lancast.rtc.limits.SessionAdmission;
import dev.lancast.rtc.metrics.Metrics;
import dev.lancast.rtc.peer.ServerPeers;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Every HTTP route of the bridge, with who may call it (docs/security.md): WHIP, the catalog and
 * status, the keys and their rotation, metrics, the pages, the admin data, the gateways' registry,
 * proofs and relays, and the rules that keep credentials on HTTPS and the API to the bridge's own
 * pages. Routes only: each resource keeps its own logic.
 */
final class BridgeRoutes {
    private BridgeRoutes() {}

    /**
     * @param config  the config the bridge started with (listen addresses and limits are fixed)
     * @param current the config in force, for the settings a reload changes
     * @param status  the bridge's status, made after the routes (the HTTP front needs them first)
     * @param http    the HTTP front, made after the routes; null until then
     */
    static Router of(
            BridgeConfig config,
            Supplier<BridgeConfig> current,
            IceLiteServer ice,
            HandshakeThreads dtlsExecutor,
            Duration handshakeTimeout,
            SecureRandom random,
            BridgeStreams streams,
            SessionAdmission admission,
            Supplier<BridgeStatus> status,
            BridgeKeys keys,
            GatewayAuthorizer gatewayAuth,
            RotationPacer rotations,
            CounterTable counters,
            StatsHistory history,
            GatewaysResource gatewaysResource,
            RelayRegistry relays,
            Supplier<HttpFront> http) {
        Router router = new Router();
        ServerPeers peers = new ServerPeers(
                ice,
                DtlsCertificate.generate(),
                dtlsExecutor,
                config.media().advertise(),
                handshakeTimeout,
                random,
                System::nanoTime);
        new WhipResource(streams::get, peers, random, admission).register(router);
        router.route(HttpMethod.GET, "/api/streams", request -> Response.jsonOf(200, streams.catalog()));
        router.route(
                HttpMethod.GET,
                "/api/status",
                request -> Response.jsonOf(200, status.get().status()));
        router.route(HttpMethod.GET, "/healthz", request -> Response.text(200, "ok"));
        router.route(
                HttpMethod.GET,
                "/api/keys",
                request -> Response.jsonOf(200, keys.published(streams.all())),
                gatewayAuth::anyGateway);
        new RotateResource(rotations, () -> current.get().keys().adminTokens(), () -> keys.inUse(streams.all()))
                .register(router);
        Metrics metrics = new Metrics(counters);
        router.route(HttpMethod.GET, "/metrics", request -> metrics.scrape());
        StaticResources web = new StaticResources("web", BridgeRoutes.class.getClassLoader());
        router.route(HttpMethod.GET, "/broadcast", web.file("broadcast.html"));
        router.route(HttpMethod.GET, "/assets/**", web.folder("assets"));
        // The pages' libraries, from their WebJars on the classpath: no CDN, the pages work offline.
        router.route(
                HttpMethod.GET,
                "/webjars/**",
                new StaticResources("META-INF/resources", BridgeRoutes.class.getClassLoader()).folder("webjars"));
        new AdminResource(() -> current.get().admin(), () -> status.get().adminStatus(), history, web).register(router);
        gatewaysResource.register(router);
        new ProofResource(() -> current.get().keys().gatewayTokens(), () -> httpsCertificate(http.get()))
                .register(router);
        new RelaysResource(relays, gatewayAuth::anyGateway, streams::has).register(router);
        // Keys and gateway credentials never cross plain HTTP (N2) unless a lab says so.
        router.credentialsOverHttpsOnly(
                config.http().allowPlainCredentials(),
                () -> httpsHint(http.get()),
                "/api/keys",
                "/api/keys/**",
                "/api/gateways/{name}/**",
                "/api/relays/**");
        // Status, keys, metrics, the registry, relays and admin: for the bridge's own pages and for
        // tools, never for a page of another site that someone on the LAN opens (issue 14: CORS was *).
        router.ownOriginOnly("/api/status")
                .ownOriginOnly("/api/keys/**")
                .ownOriginOnly("/metrics")
                .ownOriginOnly("/api/gateways/**")
                .ownOriginOnly("/admin/**")
                .ownOriginOnly("/api/admin/**")
                .ownOriginOnly("/api/relays/**");
        return router;
    }

    private static X509Certificate httpsCertificate(HttpFront http) {
        return http == null || http.tls() == null ? null : http.tls().identity().certificate();
    }

    /** Where gateways should fetch keys, for the refusal over plain HTTP. */
    private static String httpsHint(HttpFront http) {
        InetSocketAddress tls = http == null ? null : http.tlsAddress();
        return tls == null
                ? "give the bridge http.tls"
                : "the bridge serves them at https://"
                        + (tls.getAddress().isAnyLocalAddress()
                                ? "BRIDGE"
                                : tls.getAddress().getHostAddress()) + ":" + tls.getPort();
    }
}
