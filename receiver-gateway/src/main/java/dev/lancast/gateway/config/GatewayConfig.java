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
 * @param bridgeToken the Bearer token this gateway fetches the group keys with (bridge: keys.gatewayTokens)
 * @param multicast the interface to join groups on
 */
public record GatewayConfig(HttpSettings http, MediaSettings media, String bridgeUrl, String bridgeToken,
                            MulticastSettings multicast, LoggingSettings logging) {
    public GatewayConfig {
        logging = logging == null ? new LoggingSettings(null) : logging;
        http = http == null ? HttpSettings.defaults(8081) : http.withDefaultPort(8081);
        if (media == null) {
            throw new IllegalArgumentException("media.listen is required");
        }
        if (bridgeUrl == null || !(bridgeUrl.startsWith("http://") || bridgeUrl.startsWith("https://"))) {
            throw new IllegalArgumentException("bridgeUrl must be an http:// or https:// URL, got '" + bridgeUrl + "'");
        }
        bridgeUrl = bridgeUrl.endsWith("/") ? bridgeUrl.substring(0, bridgeUrl.length() - 1) : bridgeUrl;
        try {
            if (new java.net.URI(bridgeUrl).getHost() == null) {
                throw new IllegalArgumentException("bridgeUrl '" + bridgeUrl + "' names no host");
            }
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("bridgeUrl is not a URL: " + e.getMessage());
        }
        if (bridgeToken == null || bridgeToken.length() < 16) {
            throw new IllegalArgumentException("bridgeToken (one of the bridge's keys.gatewayTokens, 16+ characters) is required");
        }
        if (multicast == null) {
            throw new IllegalArgumentException("multicast.interface is required");
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
