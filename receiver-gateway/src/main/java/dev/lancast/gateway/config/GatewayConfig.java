package dev.lancast.gateway.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lancast.rtc.config.HostPort;
import dev.lancast.rtc.config.HttpSettings;
import dev.lancast.rtc.config.LoggingSettings;
import dev.lancast.rtc.config.MediaSettings;

/**
 * The gateway's configuration (docs/configuration.md). Immutable, defaults filled in here.
 *
 * @param http      where WHEP and the viewer page listen
 * @param media     the one UDP port all viewer sessions share, and the address put in candidates
 * @param bridgeUrl the bridge's HTTP base URL (catalog at {@code /api/streams})
 * @param bridgeToken the Bearer token this gateway fetches the group keys with (bridge: keys.gatewayTokens);
 *                    may be left out when {@code bridgeTls.certificate} identifies the gateway instead
 * @param multicast the interface to join groups on
 * @param bridgeTls how to trust the bridge's HTTPS certificate and which client certificate to present
 */
public record GatewayConfig(HttpSettings http, MediaSettings media, String bridgeUrl, String bridgeToken,
                            MulticastSettings multicast, LoggingSettings logging, BridgeTls bridgeTls) {
    public GatewayConfig {
        logging = logging == null ? new LoggingSettings(null) : logging;
        http = http == null ? HttpSettings.defaults(8081) : http.withDefaultPorts(8081, 8444);
        bridgeTls = bridgeTls == null ? new BridgeTls(null, null, null, null) : bridgeTls;
        if (media == null) {
            throw new IllegalArgumentException("media.listen is required");
        }
        if (bridgeUrl == null || !(bridgeUrl.startsWith("http://") || bridgeUrl.startsWith("https://"))) {
            throw new IllegalArgumentException("bridgeUrl must be an http:// or https:// URL, got '" + bridgeUrl + "'");
        }
        bridgeUrl = bridgeUrl.endsWith("/") ? bridgeUrl.substring(0, bridgeUrl.length() - 1) : bridgeUrl;
        if (bridgeToken == null && bridgeTls.certificate() == null) {
            throw new IllegalArgumentException("bridgeToken (one of the bridge's keys.gatewayTokens, 16+ characters) "
                    + "or bridgeTls.certificate (a client certificate from the bridge's http.tls.clientCa) is required");
        }
        if (bridgeToken != null && bridgeToken.length() < 16) {
            throw new IllegalArgumentException("bridgeToken must be one of the bridge's keys.gatewayTokens, 16+ characters");
        }
        if (multicast == null) {
            throw new IllegalArgumentException("multicast.interface is required");
        }
    }

    /** Settings without bridgeTls: the bridge is trusted through the JDK's CAs, no client certificate. */
    public GatewayConfig(HttpSettings http, MediaSettings media, String bridgeUrl, String bridgeToken,
                         MulticastSettings multicast, LoggingSettings logging) {
        this(http, media, bridgeUrl, bridgeToken, multicast, logging, null);
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
                fingerprint = hex.toUpperCase(java.util.Locale.ROOT).replaceAll("(..)(?!$)", "$1:");
            }
            if ((certificate == null) != (privateKey == null)) {
                throw new IllegalArgumentException("certificate and privateKey go together: give both or neither");
            }
        }
    }

    public record MulticastSettings(@JsonProperty("interface") String iface) {
        public MulticastSettings {
            if (iface == null || iface.isBlank()) {
                throw new IllegalArgumentException("multicast.interface is required (a name such as eth1 or an address)");
            }
        }
    }
}
