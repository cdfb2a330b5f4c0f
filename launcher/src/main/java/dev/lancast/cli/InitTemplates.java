package dev.lancast.cli;

import java.util.List;

/** The config files {@code lancast init} writes: every key a first start needs, the rest at its default. */
final class InitTemplates {
    private InitTemplates() {}

    static String bridge(
            String address,
            String iface,
            List<String> gateways,
            List<String> gatewayTokens,
            String whipToken,
            String rotateToken,
            String adminToken) {
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < gateways.size(); i++) {
            names.append("    ")
                    .append(gateways.get(i))
                    .append(": ")
                    .append(gatewayTokens.get(i))
                    .append('\n');
        }
        return """
                # Written by `lancast init` with fresh tokens: keep it private (mode 640, group lancast).
                # Every key: docs/configuration.md (/usr/share/doc/lancast). To serve a LAN, set the
                # addresses below to this host's and multicast.interface to its LAN interface (eth1).
                http:
                  listen: %1$s:8080         # WHIP, broadcast page, the viewers' portal
                  # HTTPS on %1$s:8443 (keys, gateways; never over plain HTTP), with a certificate
                  # made on first start and kept in stateDirectory (the unit's StateDirectory)
                media:
                  listen: %1$s:10000
                feedback: %1$s:10002
                multicast:
                  interface: %2$s
                  ttl: 1
                keys:
                  gatewayTokens:              # each gateway's name (its discovery.name) and its own token
                %3$s  adminTokens: [%5$s]     # POST /api/keys/rotate
                admin:
                  tokens: [%6$s]   # the admin page, /admin
                streams:
                  - name: main
                    tokens: [%4$s]   # WHIP Bearer token of the broadcaster
                    video: { group: 239.255.10.1, port: 5004 }
                    audio: { group: 239.255.10.1, port: 5006 }
                discovery:
                  name: lancast-bridge
                """.formatted(address, iface, names, whipToken, rotateToken, adminToken);
    }

    /** @param bridgeUrl the bridge's https URL, or null: found on mDNS */
    static String gateway(String address, String iface, String name, String token, String bridgeUrl) {
        return """
                # Written by `lancast init`: keep it private (mode 640, group lancast).
                # Every key: docs/configuration.md (/usr/share/doc/lancast).
                http:
                  listen: %1$s:8081         # WHEP and the viewer page
                media:
                  listen: %1$s:10001
                %5$sbridgeToken: %4$s   # checked against the bridge's proof before it is sent
                multicast:
                  interface: %2$s
                discovery:
                  name: %3$s
                """.formatted(
                        address,
                        iface,
                        name,
                        token,
                        bridgeUrl == null
                                ? "# bridgeUrl: https://BRIDGE:8443  # without it, found on mDNS (on the bridge's link)\n"
                                : "bridgeUrl: " + bridgeUrl + "\n");
    }
}
