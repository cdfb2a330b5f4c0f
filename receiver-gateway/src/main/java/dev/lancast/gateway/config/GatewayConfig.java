package dev.lancast.gateway.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lancast.rtc.config.FieldException;
import dev.lancast.rtc.config.HttpSettings;
import dev.lancast.rtc.config.LimitSettings;
import dev.lancast.rtc.config.LoggingSettings;
import dev.lancast.rtc.config.MediaSettings;
import dev.lancast.rtc.config.Tokens;
import dev.lancast.rtc.net.Subnet;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * The gateway's configuration (docs/configuration.md). Immutable, defaults filled in here.
 *
 * @param http      where WHEP and the viewer page listen
 * @param media     the one UDP port all viewer sessions share, and the address put in candidates
 * @param bridgeUrl the bridge's HTTP base URL (catalog at {@code /api/streams}); null: found via mDNS
 * @param bridgeToken the Bearer token this gateway fetches the group keys with (bridge: keys.gatewayTokens);
 *                    may be left out when {@code bridgeTls.certificate} identifies the gateway instead
 * @param multicast the interface to join groups on
 * @param bridgeTls how to trust the bridge's HTTPS certificate and which client certificate to present
 * @param limits    viewer sessions, handshake time and feedback rates allowed to each viewer
 * @param discovery how the gateway finds the bridge and tells the bridge and viewers about itself
 * @param drain     how the gateway leaves gracefully (lancast gateway drain, or a stop by systemd)
 * @param allowPlainCredentials send the token to an {@code http://} bridgeUrl (labs only; default false)
 */
public record GatewayConfig(
        HttpSettings http,
        MediaSettings media,
        String bridgeUrl,
        String bridgeToken,
        MulticastSettings multicast,
        LoggingSettings logging,
        BridgeTls bridgeTls,
        LimitSettings limits,
        DiscoverySettings discovery,
        DrainSettings drain,
        Boolean allowPlainCredentials) {
    public GatewayConfig {
        drain = drain == null ? DrainSettings.defaults() : drain;
        allowPlainCredentials = allowPlainCredentials != null && allowPlainCredentials;
        if (http != null && http.allowPlainCredentials()) {
            throw new FieldException(
                    List.of("http", "allowPlainCredentials"),
                    "is a bridge setting; a gateway's is "
                            + "the top-level allowPlainCredentials (send its token to an http:// bridgeUrl, labs only)");
        }
        limits = limits == null ? LimitSettings.defaults() : limits;
        logging = logging == null ? new LoggingSettings(null) : logging;
        discovery = discovery == null ? DiscoverySettings.defaults() : discovery;
        if (discovery.mdns() == null) {
            // mDNS is a surface anyone on the link can write to: on only where it does something,
            // finding the bridge (no bridgeUrl) or answering for a .local name (hostName).
            discovery = discovery.withMdns(bridgeUrl == null || discovery.hostName() != null);
        }
        http = http == null ? HttpSettings.defaults(8081) : http.withDefaultPorts(8081, 8444);
        bridgeTls = bridgeTls == null ? new BridgeTls(null, null, null, null) : bridgeTls;
        if (media == null) {
            throw new IllegalArgumentException("media.listen is required");
        }
        if (bridgeUrl == null && !discovery.mdns()) {
            throw new IllegalArgumentException("bridgeUrl is required when discovery.mdns is false");
        }
        if (bridgeUrl != null && !(bridgeUrl.startsWith("http://") || bridgeUrl.startsWith("https://"))) {
            throw new IllegalArgumentException("bridgeUrl must be an http:// or https:// URL, got '" + bridgeUrl + "'");
        }
        if (bridgeUrl != null && bridgeUrl.endsWith("/")) {
            bridgeUrl = bridgeUrl.substring(0, bridgeUrl.length() - 1);
        }
        if (bridgeUrl != null) {
            try {
                if (new URI(bridgeUrl).getHost() == null) {
                    throw new IllegalArgumentException("bridgeUrl '" + bridgeUrl + "' names no host");
                }
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("bridgeUrl is not a URL: " + e.getMessage());
            }
        }
        if (bridgeToken == null && bridgeTls.certificate() == null) {
            throw new IllegalArgumentException(
                    "bridgeToken (one of the bridge's keys.gatewayTokens, 16+ characters) "
                            + "or bridgeTls.certificate (a client certificate from the bridge's http.tls.clientCa) is required");
        }
        if (bridgeToken != null) {
            Tokens.check(List.of("bridgeToken"), bridgeToken, "bridgeToken");
        }
        if (bridgeUrl != null && bridgeUrl.startsWith("http://") && !allowPlainCredentials) {
            // N2: the token (or a certificate, which plain HTTP cannot carry) would cross the LAN in clear every
            // second.
            throw new FieldException(
                    List.of("bridgeUrl"),
                    "is plain HTTP: this gateway's "
                            + (bridgeToken != null
                                    ? "token would cross the network in clear every second, and anyone who "
                                            + "reads it gets every stream's keys"
                                    : "client certificate needs HTTPS")
                            + ". Use the bridge's HTTPS URL, https://HOST:8443 (the bridge makes its certificate itself, and this "
                            + "gateway checks it with its token), or, for a lab, set allowPlainCredentials: true");
        }
        if (multicast == null) {
            throw new IllegalArgumentException("multicast.interface is required");
        }
    }

    /** With the drain at its defaults and without the lab opt-in (the token goes to an https:// bridge only). */
    public GatewayConfig(
            HttpSettings http,
            MediaSettings media,
            String bridgeUrl,
            String bridgeToken,
            MulticastSettings multicast,
            LoggingSettings logging,
            BridgeTls bridgeTls,
            LimitSettings limits,
            DiscoverySettings discovery) {
        this(http, media, bridgeUrl, bridgeToken, multicast, logging, bridgeTls, limits, discovery, null, null);
    }

    /** Without the lab opt-in. */
    public GatewayConfig(
            HttpSettings http,
            MediaSettings media,
            String bridgeUrl,
            String bridgeToken,
            MulticastSettings multicast,
            LoggingSettings logging,
            BridgeTls bridgeTls,
            LimitSettings limits,
            DiscoverySettings discovery,
            DrainSettings drain) {
        this(http, media, bridgeUrl, bridgeToken, multicast, logging, bridgeTls, limits, discovery, drain, null);
    }

    /** With the drain at its defaults. */
    public GatewayConfig(
            HttpSettings http,
            MediaSettings media,
            String bridgeUrl,
            String bridgeToken,
            MulticastSettings multicast,
            LoggingSettings logging,
            BridgeTls bridgeTls,
            LimitSettings limits,
            DiscoverySettings discovery,
            Boolean allowPlainCredentials) {
        this(
                http,
                media,
                bridgeUrl,
                bridgeToken,
                multicast,
                logging,
                bridgeTls,
                limits,
                discovery,
                null,
                allowPlainCredentials);
    }

    /**
     * Settings without bridgeTls (the bridge is checked with the token, no client certificate) and
     * with discovery at its defaults.
     */
    public GatewayConfig(
            HttpSettings http,
            MediaSettings media,
            String bridgeUrl,
            String bridgeToken,
            MulticastSettings multicast,
            LoggingSettings logging) {
        this(http, media, bridgeUrl, bridgeToken, multicast, logging, null, null, null, null, null);
    }

    /**
     * @param deadlineSeconds the longest a drain waits for its viewers to move before the gateway
     *                        stops anyway (default 30; keep systemd's TimeoutStopSec above it)
     * @param movesPerSecond  how many viewers may move per second, so that the other gateways see no
     *                        burst of handshakes: the viewers spread their moves over
     *                        viewers / movesPerSecond seconds (default 50, at least 1 s)
     */
    public record DrainSettings(int deadlineSeconds, int movesPerSecond) {
        public DrainSettings {
            deadlineSeconds = deadlineSeconds == 0 ? 30 : deadlineSeconds;
            movesPerSecond = movesPerSecond == 0 ? 50 : movesPerSecond;
            if (deadlineSeconds < 1 || deadlineSeconds > 3600) {
                throw new IllegalArgumentException("deadlineSeconds must be 1..3600, got " + deadlineSeconds);
            }
            if (movesPerSecond < 1) {
                throw new IllegalArgumentException("movesPerSecond must be at least 1, got " + movesPerSecond);
            }
        }

        public static DrainSettings defaults() {
            return new DrainSettings(0, 0);
        }
    }

    /**
     * How the gateway talks HTTPS to the bridge.
     *
     * @param ca          PEM file: the CA that signed the bridge's certificate, or the bridge's self-signed
     *                    certificate itself (null: the JDK's public CAs)
     * @param fingerprint instead of ca: the SHA-256 fingerprint of the bridge's certificate, as the bridge
     *                    logs it ("AB:CD:..." or 64 hex digits)
     * @param certificate PEM file: this gateway's client certificate (from the bridge's http.tls.clientCa)
     * @param privateKey  PEM file: its private key
     */
    public record BridgeTls(String ca, String fingerprint, String certificate, String privateKey) {
        public BridgeTls {
            if (ca != null && fingerprint != null) {
                throw new IllegalArgumentException("give ca or fingerprint, not both");
            }
            if (fingerprint != null) {
                String hex = fingerprint.replace(":", "");
                if (!hex.matches("[0-9A-Fa-f]{64}")) {
                    throw new IllegalArgumentException("fingerprint must be a SHA-256 fingerprint (64 hex digits, "
                            + "colons allowed), got '" + fingerprint + "'");
                }
                fingerprint = hex.toUpperCase(Locale.ROOT).replaceAll("(..)(?!$)", "$1:");
            }
            if ((certificate == null) != (privateKey == null)) {
                throw new IllegalArgumentException("certificate and privateKey go together: give both or neither");
            }
        }
    }

    /**
     * @param name       this gateway's instance name for mDNS and the bridge's registry (default gw-ADDRESS)
     * @param iface      the interface mDNS runs on (default: multicast.interface); never the default route's
     * @param mdns       advertise this gateway and look for the bridge on that link (default: true
     *                   without bridgeUrl or with hostName, else false)
     * @param bridgeName which discovered bridge to use when several advertise (default: the only one)
     * @param url        the viewer page URL to give viewers (default http://INTERFACE-ADDRESS:HTTP-PORT/)
     * @param subnet     the viewers' subnet this gateway serves (default: the interface's own subnet)
     * @param capacity   viewers this gateway is meant to carry, for the portal's choice (0: limits.maxSessions)
     * @param hostName   a .local host name this gateway also answers for, e.g. "live" (default none)
     */
    public record DiscoverySettings(
            String name,
            @JsonProperty("interface") String iface,
            Boolean mdns,
            String bridgeName,
            String url,
            Subnet subnet,
            int capacity,
            String hostName) {
        public DiscoverySettings {
            if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
                throw new IllegalArgumentException(
                        "name must be 1-63 letters, digits, '.', '_' or '-', got '" + name + "'");
            }
            if (url != null && !(url.startsWith("http://") || url.startsWith("https://"))) {
                throw new IllegalArgumentException("url must be an http:// or https:// URL, got '" + url + "'");
            }
            if (capacity < 0) {
                throw new IllegalArgumentException(
                        "capacity must not be negative (0: limits.maxSessions), got " + capacity);
            }
            if (hostName != null && !hostName.matches("[A-Za-z0-9][A-Za-z0-9-]{0,62}")) {
                throw new IllegalArgumentException(
                        "hostName is one DNS label such as 'live' (for live.local), got '" + hostName + "'");
            }
        }

        /** These settings with mDNS on or off. */
        public DiscoverySettings withMdns(boolean on) {
            return new DiscoverySettings(name, iface, on, bridgeName, url, subnet, capacity, hostName);
        }

        public static DiscoverySettings defaults() {
            return new DiscoverySettings(null, null, null, null, null, null, 0, null);
        }
    }

    /**
     * @param iface      the interface the groups are joined on
     * @param fallbackMs how long a stream's groups may be silent, the bridge up, before the gateway asks
     *                   the bridge for a unicast copy (default 750; the bridge's beacons come every
     *                   250 ms, so silence means no path); 0: never ask
     */
    public record MulticastSettings(
            @JsonProperty("interface") String iface, Integer fallbackMs) {
        public MulticastSettings {
            if (iface == null || iface.isBlank()) {
                throw new IllegalArgumentException(
                        "multicast.interface is required (a name such as eth1 or an address)");
            }
            fallbackMs = fallbackMs == null ? 750 : fallbackMs;
            if (fallbackMs != 0 && (fallbackMs < 300 || fallbackMs > 60_000)) {
                throw new IllegalArgumentException("multicast.fallbackMs must be 0 (never) or 300..60000, got "
                        + fallbackMs + " (the bridge's beacons come every 250 ms)");
            }
        }

        public MulticastSettings(String iface) {
            this(iface, null);
        }
    }
}
