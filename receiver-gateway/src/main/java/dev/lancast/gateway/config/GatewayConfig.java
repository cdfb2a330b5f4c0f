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
 * @param multicast the interface to join groups on and the group key
 */
public record GatewayConfig(HttpSettings http, MediaSettings media, String bridgeUrl, MulticastSettings multicast,
                            LoggingSettings logging) {
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
        if (multicast == null) {
            throw new IllegalArgumentException("multicast.interface and multicast.groupKey are required");
        }
    }


    /** @param groupKey the bridge's group key, 56 hex digits */
    public record MulticastSettings(@JsonProperty("interface") String iface, String groupKey) {
        public MulticastSettings {
            if (iface == null || iface.isBlank()) {
                throw new IllegalArgumentException("multicast.interface is required (a name such as eth1 or an address)");
            }
            if (groupKey == null) {
                throw new IllegalArgumentException("multicast.groupKey is required (the bridge's key)");
            }
        }
    }
}
