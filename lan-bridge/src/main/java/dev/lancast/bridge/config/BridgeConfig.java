package dev.lancast.bridge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.lancast.rtc.config.FieldException;
import dev.lancast.rtc.config.HostPort;
import dev.lancast.rtc.config.HttpSettings;
import dev.lancast.rtc.config.LimitSettings;
import dev.lancast.rtc.config.LoggingSettings;
import dev.lancast.rtc.config.MediaSettings;
import dev.lancast.rtc.config.TlsSettings;
import dev.lancast.rtc.config.Tokens;
import dev.lancast.rtc.multicast.KeyIds;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The bridge's configuration (docs/configuration.md). Immutable; defaults filled in here so that
 * the rest of the code never sees a missing value.
 *
 * @param http       where WHIP, the catalog API and the broadcast page listen
 * @param media      the one UDP port all WebRTC sessions share, and the address put in candidates
 * @param feedback   the UDP port where gateways send keyframe requests and reports
 * @param multicast  interface and TTL of the multicast hop
 * @param keys       group key rotation and who may fetch the keys
 * @param streams    the streams a broadcaster may publish
 * @param logging    log level
 * @param limits     sessions, handshake time and feedback rates allowed to each peer
 * @param discovery  how gateways find the bridge (mDNS) and the bridge's name there
 * @param admin      who may read the admin page's data
 * @param relays     the unicast copies for gateways that multicast does not reach
 * @param stateDirectory where the bridge keeps what must outlive a restart: its generated HTTPS
 *                   certificate (default: systemd's $STATE_DIRECTORY, else /var/lib/lancast)
 */
public record BridgeConfig(
        HttpSettings http,
        MediaSettings media,
        HostPort feedback,
        MulticastSettings multicast,
        KeySettings keys,
        List<StreamConfig> streams,
        LoggingSettings logging,
        LimitSettings limits,
        DiscoverySettings discovery,
        AdminSettings admin,
        RelaySettings relays,
        String stateDirectory) {
    /** Where the unit's StateDirectory= is when systemd did not say (docs/deployment.md). */
    public static final String DEFAULT_STATE_DIRECTORY = "/var/lib/lancast";

    public BridgeConfig {
        limits = limits == null ? LimitSettings.defaults() : limits;
        relays = relays == null ? new RelaySettings(null) : relays;
        admin = admin == null ? new AdminSettings(null, null) : admin;
        if (keys == null) {
            throw new IllegalArgumentException("keys.gatewayTokens is required: gateways fetch the group keys with one"
                    + " (or keys.gatewayAuth: certificate with http.tls.clientCa)");
        }
        logging = logging == null ? new LoggingSettings(null) : logging;
        discovery = discovery == null ? new DiscoverySettings(null, null, null) : discovery;
        stateDirectory = stateDirectory != null ? stateDirectory : defaultStateDirectory();
        http = http == null ? HttpSettings.defaults(8080) : http.withDefaultPorts(8080, 8443);
        if (http.tls() == null && !http.allowPlainCredentials()) {
            // Gateways get keys and register over HTTPS only: without a certificate of the admin's,
            // the bridge makes one on first start and keeps it, so its fingerprint stays.
            http = http.withTls(TlsSettings.kept(
                    new HostPort(http.listen().host(), 8443),
                    stateDirectory + "/bridge-cert.pem",
                    stateDirectory + "/bridge-key.pem"));
        }
        if (keys.gatewayAuth() != GatewayAuth.TOKEN
                && (http.tls() == null || http.tls().clientCa() == null)) {
            throw new IllegalArgumentException("keys.gatewayAuth: " + keys.gatewayAuth()
                    + " needs http.tls.clientCa (the CA that signs the gateways' client certificates)");
        }
        if (media == null) {
            throw new IllegalArgumentException("media.listen is required");
        }
        if (media.threads() != 0) {
            // A broadcaster's session and its multicast copy are one stream of work: one loop serves them.
            throw new IllegalArgumentException("media.threads is a gateway setting (its fan-out to viewers); "
                    + "the bridge runs its media on one loop");
        }
        if (feedback == null) {
            throw new IllegalArgumentException("feedback (host:port for gateway feedback) is required");
        }
        if (multicast == null) {
            throw new IllegalArgumentException("multicast.interface is required");
        }
        if (streams == null || streams.isEmpty()) {
            throw new IllegalArgumentException("at least one stream is required");
        }
        if (streams.size() > KeyIds.MAX_KEYRINGS - 1) {
            // Each stream has its own group keys, as have the gateways' feedback; one-byte ids.
            throw new IllegalArgumentException(
                    "at most " + (KeyIds.MAX_KEYRINGS - 1) + " streams, got " + streams.size());
        }
        streams = List.copyOf(streams);
        Set<String> names = new HashSet<>();
        Set<String> endpoints = new HashSet<>();
        for (StreamConfig s : streams) {
            if (!names.add(s.name())) {
                throw new IllegalArgumentException("stream name '" + s.name() + "' is used twice");
            }
            for (TrackGroup t : s.groups()) {
                if (!endpoints.add(t.group() + ":" + t.port())) {
                    throw new IllegalArgumentException("stream '" + s.name() + "': " + t.group() + ":" + t.port()
                            + " is already used by another track");
                }
            }
        }
    }

    /** A config with the default relays and state directory. */
    public BridgeConfig(
            HttpSettings http,
            MediaSettings media,
            HostPort feedback,
            MulticastSettings multicast,
            KeySettings keys,
            List<StreamConfig> streams,
            LoggingSettings logging,
            LimitSettings limits,
            DiscoverySettings discovery,
            AdminSettings admin) {
        this(http, media, feedback, multicast, keys, streams, logging, limits, discovery, admin, null, null);
    }

    /** A config without admin settings, with the default relays and state directory. */
    public BridgeConfig(
            HttpSettings http,
            MediaSettings media,
            HostPort feedback,
            MulticastSettings multicast,
            KeySettings keys,
            List<StreamConfig> streams,
            LoggingSettings logging,
            LimitSettings limits,
            DiscoverySettings discovery) {
        this(http, media, feedback, multicast, keys, streams, logging, limits, discovery, null, null, null);
    }

    /** systemd's $STATE_DIRECTORY (the unit's StateDirectory=), else {@link #DEFAULT_STATE_DIRECTORY}. */
    private static String defaultStateDirectory() {
        String fromSystemd = System.getenv("STATE_DIRECTORY");
        return fromSystemd != null && !fromSystemd.isBlank() ? fromSystemd.split(":")[0] : DEFAULT_STATE_DIRECTORY;
    }

    public StreamConfig stream(String name) {
        return streams.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    /**
     * @param sendTimestamps write lancast's send-time header extension on every RTP packet sent to
     *                       the groups (16 bytes each), for one-way delay figures in benchmarks
     *                       ({@code lancast bench viewers}); off by default
     */
    public record MulticastSettings(
            @JsonProperty("interface") String iface, int ttl, boolean sendTimestamps) {
        public MulticastSettings(String iface, int ttl) {
            this(iface, ttl, false);
        }

        public MulticastSettings {
            if (iface == null || iface.isBlank()) {
                throw new IllegalArgumentException(
                        "multicast.interface is required (a name such as eth1 or an address)");
            }
            ttl = ttl == 0 ? 1 : ttl;
            if (ttl < 1 || ttl > 255) {
                throw new IllegalArgumentException("ttl must be 1..255");
            }
        }
    }

    /**
     * Unicast copies of a stream's group datagrams, for gateways that multicast does not reach
     * (docs/deployment.md, "When multicast does not arrive").
     *
     * @param max how many gateway-stream copies may run at once (default 16): each costs the
     *            bridge's uplink one stream's bitrate; a gateway over the limit is refused (503) and
     *            the refusal is logged and counted
     */
    public record RelaySettings(Integer max) {
        public RelaySettings {
            max = max == null ? 16 : max;
            if (max < 0 || max > 10_000) {
                throw new IllegalArgumentException("relays.max must be 0..10000 (0: no unicast fallback), got " + max);
            }
        }
    }

    /**
     * The admin page (/admin) and its data (/api/admin/...): to clients with one of these Bearer
     * tokens, and, only if {@code loopback} says so, to clients on the bridge's own machine.
     *
     * @param tokens   admin tokens (16+ characters)
     * @param loopback give the data to loopback clients without a token, when they name the bridge
     *                 by a loopback Host (default false: anything on the bridge's machine, a reverse
     *                 proxy or a page rebinding a DNS name to 127.0.0.1, would be admin)
     */
    public record AdminSettings(List<String> tokens, Boolean loopback) {
        public AdminSettings {
            tokens = Tokens.checkAll("tokens", tokens, "admin token");
            loopback = loopback != null && loopback;
        }
    }

    /** How a gateway proves itself to fetch the group keys. */
    public enum GatewayAuth {
        /** a Bearer token from keys.gatewayTokens */
        TOKEN,
        /** a TLS client certificate issued by http.tls.clientCa */
        CERTIFICATE,
        /** either of the two */
        EITHER;

        @JsonCreator
        public static GatewayAuth parse(String text) {
            for (GatewayAuth a : values()) {
                if (a.toString().equals(text)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("gatewayAuth must be token, certificate or either, got '" + text + "'");
        }

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param name  the bridge's DNS-SD instance name, which gateways can pick it by (default lancast-bridge)
     * @param iface the interface mDNS runs on (default: multicast.interface); never the default route's
     * @param mdns  advertise the bridge and follow the gateways' records on that link (default true)
     * @param gatewayHostNames host names gateways may give in their viewer page URL (discovery.url);
     *              an address there must be the gateway's own or in its subnet (default none)
     */
    public record DiscoverySettings(
            String name, @JsonProperty("interface") String iface, Boolean mdns, List<String> gatewayHostNames) {
        public DiscoverySettings(String name, String iface, Boolean mdns) {
            this(name, iface, mdns, null);
        }

        public DiscoverySettings {
            gatewayHostNames = gatewayHostNames == null
                    ? List.of()
                    : gatewayHostNames.stream()
                            .map(h -> h.toLowerCase(Locale.ROOT))
                            .toList();
            name = name == null ? "lancast-bridge" : name;
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}")) {
                throw new IllegalArgumentException(
                        "name must be 1-63 letters, digits, ' ', '.', '_' or '-', got '" + name + "'");
            }
            mdns = mdns == null || mdns;
        }
    }

    /**
     * @param rotateSeconds  a new group key every this many seconds (0: 3600; at least 5)
     * @param gatewayTokens  each gateway's Bearer token by its name: fetches the keys (GET /api/keys),
     *                       registers that gateway only
     * @param adminTokens    Bearer tokens that may force a rotation (POST /api/keys/rotate)
     * @param gatewayAuth    what a gateway must present to fetch the keys (null: token)
     */
    public record KeySettings(
            int rotateSeconds, GatewayTokens gatewayTokens, List<String> adminTokens, GatewayAuth gatewayAuth) {
        public KeySettings {
            rotateSeconds = rotateSeconds == 0 ? 3600 : rotateSeconds;
            gatewayAuth = gatewayAuth == null ? GatewayAuth.TOKEN : gatewayAuth;
            if (rotateSeconds < 5) {
                throw new IllegalArgumentException("rotateSeconds must be at least 5, got " + rotateSeconds);
            }
            gatewayTokens = gatewayTokens == null ? GatewayTokens.none() : gatewayTokens;
            if (gatewayTokens.isEmpty() && gatewayAuth != GatewayAuth.CERTIFICATE) {
                throw new FieldException(
                        List.of("gatewayTokens"),
                        "needs at least one gateway (gw-NAME: TOKEN), " + "or gatewayAuth: certificate");
            }
            adminTokens = Tokens.checkAll("adminTokens", adminTokens, "admin token");
        }

        /** Token-only settings, as before client certificates existed. */
        public KeySettings(int rotateSeconds, Map<String, String> gatewayTokens, List<String> adminTokens) {
            this(rotateSeconds, GatewayTokens.of(gatewayTokens), adminTokens, null);
        }
    }
}
