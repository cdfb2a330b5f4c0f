package dev.lancast.bridge.discovery;

import dev.lancast.rtc.discovery.GatewayInfo;
import dev.lancast.rtc.http.HttpError;
import dev.lancast.rtc.net.Interfaces;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Whether a registering gateway may send viewers to the viewer page URL it gives (N9): the portal
 * appends the viewer's stream (and token) to it, so a credential must not point it anywhere. An
 * address in the URL must be the heartbeat's source address or lie in the subnet the gateway
 * declares; a name must be one the admin listed in {@code discovery.gatewayHostNames} (the bridge
 * never looks names up).
 */
final class ViewerUrlCheck {
    private final Supplier<List<String>> allowedNames;

    ViewerUrlCheck(Supplier<List<String>> allowedNames) {
        this.allowedNames = allowedNames;
    }

    void check(GatewayInfo info, InetAddress source) throws HttpError {
        String host = URI.create(info.url()).getHost();
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!Interfaces.isAddressLiteral(literal)) {
            if (!allowedNames.get().contains(host.toLowerCase(Locale.ROOT))) {
                throw new HttpError(
                        403,
                        "viewer page URL " + info.url() + " names host '" + host + "', which the "
                                + "bridge cannot check: list it in the bridge's discovery.gatewayHostNames, or give the gateway "
                                + "a discovery.url with its address");
            }
            return;
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(literal); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw new HttpError(400, "viewer page URL " + info.url() + ": " + e.getMessage());
        }
        if (!address.equals(source) && !info.subnet().contains(address)) {
            throw new HttpError(
                    403,
                    "viewer page URL " + info.url() + " is neither at this heartbeat's source address "
                            + source.getHostAddress() + " nor in the gateway's subnet " + info.subnet());
        }
    }
}
