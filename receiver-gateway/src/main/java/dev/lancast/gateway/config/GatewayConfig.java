package dev.lancast.gateway.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lancast.rtc.config.HostPort;
import dev.lancast.rtc.config.HttpSettings;
import dev.lancast.rtc.config.LoggingSettings;
import dev.lancast.rtc.config.MediaSettings;
import dev.lancast.rtc.net.Subnet;

/**
 * The gateway's configuration (docs/configuration.md). Immutable, defaults filled in here.
 *
 * @param http      where WHEP and the viewer page listen
 * @param media     the one UDP port all viewer sessions share, and the address put in candidates
 * @param bridgeUrl the bridge's HTTP base URL (catalog at {@code /api/streams}); null: found via mDNS
 * @param bridgeToken the Bearer token this gateway fetches the group keys with (bridge: keys.gatewayTokens)
 * @param multicast the interface to join groups on
 * @param discovery how the gateway finds the bridge and tells the bridge and viewers about itself
 */
public record GatewayConfig(HttpSettings http, MediaSettings media, String bridgeUrl, String bridgeToken,
                            MulticastSettings multicast, LoggingSettings logging, DiscoverySettings discovery) {
    public GatewayConfig {
        logging = logging == null ? new LoggingSettings(null) : logging;
        discovery = discovery == null ? DiscoverySettings.defaults() : discovery;
        http = http == null ? HttpSettings.defaults(8081) : http.withDefaultPort(8081);
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
        if (bridgeToken == null || bridgeToken.length() < 16) {
            throw new IllegalArgumentException("bridgeToken (one of the bridge's keys.gatewayTokens, 16+ characters) is required");
        }
        if (multicast == null) {
            throw new IllegalArgumentException("multicast.interface is required");
        }
    }

    /**
     * @param name       this gateway's instance name for mDNS and the bridge's registry (default gw-ADDRESS)
     * @param iface      the interface mDNS runs on (default: multicast.interface); never the default route's
     * @param mdns       advertise this gateway and look for the bridge on that link (default true)
     * @param bridgeName which discovered bridge to use when several advertise (default: the only one)
     * @param url        the viewer page URL to give viewers (default http://INTERFACE-ADDRESS:HTTP-PORT/)
     * @param subnet     the viewers' subnet this gateway serves (default: the interface's own subnet)
     * @param capacity   viewers this gateway is meant to carry, for the portal's choice (default 500)
     * @param hostName   a .local host name this gateway also answers for, e.g. "live" (default none)
     */
    public record DiscoverySettings(String name, @JsonProperty("interface") String iface, Boolean mdns,
                                    String bridgeName, String url, Subnet subnet, int capacity, String hostName) {
        public DiscoverySettings {
            if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
                throw new IllegalArgumentException("name must be 1-63 letters, digits, '.', '_' or '-', got '" + name + "'");
            }
            mdns = mdns == null || mdns;
            if (url != null && !(url.startsWith("http://") || url.startsWith("https://"))) {
                throw new IllegalArgumentException("url must be an http:// or https:// URL, got '" + url + "'");
            }
            capacity = capacity == 0 ? 500 : capacity;
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
            }
            if (hostName != null && !hostName.matches("[A-Za-z0-9][A-Za-z0-9-]{0,62}")) {
                throw new IllegalArgumentException("hostName is one DNS label such as 'live' (for live.local), got '"
                        + hostName + "'");
            }
        }

        public static DiscoverySettings defaults() {
            return new DiscoverySettings(null, null, null, null, null, null, 0, null);
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
