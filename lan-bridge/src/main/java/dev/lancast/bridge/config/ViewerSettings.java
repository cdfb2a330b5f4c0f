package dev.lancast.bridge.config;

import dev.lancast.rtc.config.Tokens;
import dev.lancast.rtc.net.Subnet;
import java.util.List;

/**
 * A stream's viewer access policy; gateways enforce it on WHEP (catalog/ViewerAccess).
 *
 * @param tokens  viewer tokens (16+ characters), one of which a viewer must present as WHEP
 *                Bearer or {@code ?token=}; none: no token needed
 * @param subnets CIDR ranges viewers must connect from; none: any address
 * @param origins origins ({@code scheme://host[:port]}) of other web pages that may play the
 *                stream, besides the gateway's own and the bridge's; {@code "*"}: any page
 */
public record ViewerSettings(List<String> tokens, List<String> subnets, List<String> origins) {
    public ViewerSettings(List<String> tokens, List<String> subnets) {
        this(tokens, subnets, null);
    }

    public ViewerSettings {
        // The catalog publishes MACs under a secret only gateways hold; a gateway could still
        // guess a short token back offline.
        tokens = Tokens.checkAll("tokens", tokens, "viewer token");
        subnets = subnets == null ? List.of() : List.copyOf(subnets);
        origins = origins == null ? List.of() : List.copyOf(origins);
        for (String o : origins) {
            // As browsers send it in Origin: a scheme, a host, a port unless the scheme's default; no path.
            if (o == null
                    || !(o.equals("*")
                            || o.matches(
                                    "https?://[A-Za-z0-9.\\-]+(:\\d{1,5})?|https?://\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?"))) {
                throw new IllegalArgumentException(
                        "origins: '" + o
                                + "' is not an origin (scheme://host[:port], no path or trailing slash, e.g. https://intranet.example) or *");
            }
        }
        for (String s : subnets) {
            Subnet.parse(s);
        }
    }
}
