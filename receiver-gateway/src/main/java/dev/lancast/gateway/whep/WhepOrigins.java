package dev.lancast.gateway.whep;

import dev.lancast.gateway.relay.StreamRelay;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.catalog.ViewerAccess;
import dev.lancast.rtc.http.CorsPolicy;
import dev.lancast.rtc.http.HttpError;
import dev.lancast.rtc.net.Interfaces;
import java.net.URI;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Which web pages may play a stream by WHEP (docs/security.md, "Which pages may play"). An open
 * stream may be played by a page of any origin (CORS {@code *}): any WHEP player anywhere. A stream
 * with a viewer policy (subnets or tokens) only by pages of:
 * <ul>
 * <li>this gateway: the origin of its viewer URL, or a request whose Origin is the very server it
 *   was sent to ({@code scheme://Host}) named by an IP address, {@code localhost} or its mDNS host
 *   name; a DNS name the gateway does not know could be an attacker's domain rebound to its
 *   address, so such a page counts as another site's;</li>
 * <li>the bridge it serves (its portal and pages, on its plain or its HTTPS port: the gateway
 *   knows the one URL it fetches keys from);</li>
 * <li>the origins the stream's {@code viewers.origins} lists ({@code "*"}: any).</li>
 * </ul>
 * A subnet policy says where a viewer may watch from, not which page it uses: without this, any
 * web site that someone inside the subnet opens could play the stream in a hidden peer connection
 * and send it out. Browsers enforce the CORS answer; a POST that carries a not allowed Origin is
 * also refused outright (403), whatever the browser would do with the answer.
 */
public final class WhepOrigins implements CorsPolicy {
    private final Function<String, ViewerAccess> policies;
    private final Predicate<String> fromBridge;
    private final Supplier<String> ownOrigin;
    private final String localHostName;

    /**
     * @param policies     each stream's viewer policy (null: open, or no such stream)
     * @param fromBridge   whether an Origin is a page of the bridge in use ({@link #onHostOf})
     * @param ownOrigin    the origin of this gateway's viewer URL (null while none)
     * @param hostName     the .local name this gateway answers for on mDNS, without ".local" (null: none)
     */
    public WhepOrigins(
            Function<String, ViewerAccess> policies,
            Predicate<String> fromBridge,
            Supplier<String> ownOrigin,
            String hostName) {
        this.policies = policies;
        this.fromBridge = fromBridge;
        this.ownOrigin = ownOrigin;
        this.localHostName = hostName == null ? null : hostName + ".local";
    }

    @Override
    public String allowOrigin(Map<String, String> params, CorsRequest request) {
        ViewerAccess access = policy(params.get("stream"));
        if (access == null) {
            return "*";
        }
        return request.origin() != null && allowed(access, request) ? request.origin() : null;
    }

    /** Refuses (403) a request that a page of an origin not allowed for this stream sent. */
    public void check(String stream, CorsRequest request) throws HttpError {
        ViewerAccess access = policy(stream);
        if (access != null && request.origin() != null && !allowed(access, request)) {
            throw new HttpError(
                    403,
                    "stream '" + stream + "' may not be played by pages of " + printable(request.origin())
                            + " (viewers.origins lists the others allowed)");
        }
    }

    /** Each stream's policy as the catalog entry of its relay says. */
    public static Function<String, ViewerAccess> policiesOf(Function<String, StreamRelay> relays) {
        return stream -> {
            StreamRelay relay = relays.apply(stream);
            StreamCatalog.Stream entry = relay == null ? null : relay.entry();
            return entry == null ? null : entry.viewers();
        };
    }

    private ViewerAccess policy(String stream) {
        return stream == null ? null : policies.apply(stream);
    }

    private boolean allowed(ViewerAccess access, CorsRequest request) {
        String origin = request.origin();
        if (origin.equalsIgnoreCase(ownOrigin.get()) || fromBridge.test(origin)) {
            return true;
        }
        if (request.sameOriginAsHost() && knownName(hostOf(request.host()))) {
            return true;
        }
        for (String listed : access.origins()) {
            if (listed.equals("*") || listed.equalsIgnoreCase(origin)) {
                return true;
            }
        }
        return false;
    }

    /** An address, localhost or our mDNS name: no one else's DNS can answer for it. */
    private boolean knownName(String host) {
        if (host == null) {
            return false;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            return Interfaces.isAddressLiteral(host.substring(1, host.length() - 1));
        }
        return Interfaces.isAddressLiteral(host)
                || host.equalsIgnoreCase("localhost")
                || host.equalsIgnoreCase(localHostName);
    }

    /** The host of a Host header, without its port. */
    private static String hostOf(String header) {
        if (header == null) {
            return null;
        }
        if (header.startsWith("[")) {
            int end = header.indexOf(']');
            return end < 0 ? null : header.substring(0, end + 1);
        }
        int colon = header.indexOf(':');
        return colon < 0 ? header : header.substring(0, colon);
    }

    /** scheme://host[:port] of a URL, as browsers send it in Origin (no default port); null for null. */
    public static String origin(String url) {
        if (url == null) {
            return null;
        }
        URI u = URI.create(url);
        int port = u.getPort();
        boolean defaultPort = port < 0
                || ("http".equals(u.getScheme()) && port == 80)
                || ("https".equals(u.getScheme()) && port == 443);
        return u.getScheme() + "://" + u.getHost() + (defaultPort ? "" : ":" + port);
    }

    /** Whether a page's Origin (http or https, any port) is on the host of {@code url}; false for null. */
    public static boolean onHostOf(String requestOrigin, String url) {
        if (requestOrigin == null || url == null) {
            return false;
        }
        try {
            URI page = URI.create(requestOrigin);
            return ("http".equals(page.getScheme()) || "https".equals(page.getScheme()))
                    && page.getHost() != null
                    && page.getHost().equalsIgnoreCase(URI.create(url).getHost());
        } catch (IllegalArgumentException notAnOrigin) {
            return false;
        }
    }

    /** An Origin as a log line may show it: at most 100 printable ASCII characters. */
    private static String printable(String origin) {
        String clean = origin.replaceAll("[^\\x21-\\x7e]", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean;
    }
}
