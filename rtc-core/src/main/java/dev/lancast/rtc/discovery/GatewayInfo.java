package dev.lancast.rtc.discovery;

import dev.lancast.rtc.net.Subnet;
import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a gateway tells about itself, in its mDNS TXT record and in its heartbeats to the bridge
 * (PUT /api/gateways/{name}): the subnet it serves, where its viewer page is, and its load; the
 * heartbeat also carries the video layers it receives (not the TXT record: mDNS answers stay small).
 *
 * @param name     instance name, unique among the bridge's gateways
 * @param subnet   the viewers' subnet the gateway serves
 * @param url      its viewer page (http or https, ends with /)
 * @param streams  the streams it can serve now
 * @param viewers  viewers connected now
 * @param capacity how many viewers it is meant to carry; 0 while it drains (it takes no new viewers)
 * @param layers   per stream, the video layers it receives and its viewers on each (null: none)
 */
public record GatewayInfo(
        String name,
        Subnet subnet,
        String url,
        List<String> streams,
        int viewers,
        int capacity,
        List<StreamLayers> layers) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    public GatewayInfo {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "name must be 1-63 letters, digits, '.', '_' or '-', got '" + name + "'");
        }
        if (subnet == null) {
            throw new IllegalArgumentException("subnet is required (CIDR, e.g. 198.18.1.0/24)");
        }
        url = checkUrl(url);
        streams = streams == null ? List.of() : List.copyOf(streams);
        if (viewers < 0) {
            throw new IllegalArgumentException("viewers must not be negative, got " + viewers);
        }
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative, got " + capacity);
        }
        layers = StreamLayers.checkAll(layers);
    }

    /** Without layers: what an mDNS record tells. */
    public GatewayInfo(String name, Subnet subnet, String url, List<String> streams, int viewers, int capacity) {
        this(name, subnet, url, streams, viewers, capacity, List.of());
    }

    private static String checkUrl(String url) {
        URI uri;
        try {
            uri = URI.create(url == null ? "" : url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("url '" + url + "' is not a URL: " + e.getMessage());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("url must be an http:// or https:// URL with a host, got '" + url + "'");
        }
        return url.endsWith("/") ? url : url + "/";
    }

    /** Share of the capacity in use: the portal sends viewers to the least loaded gateway. */
    public double load() {
        return capacity == 0 ? Double.POSITIVE_INFINITY : (double) viewers / capacity;
    }

    /** A draining gateway announces capacity 0: it keeps its viewers while they move, and takes none. */
    public boolean draining() {
        return capacity == 0;
    }

    public Map<String, String> toTxt() {
        Map<String, String> txt = new LinkedHashMap<>();
        txt.put("v", ServiceTypes.VERSION);
        txt.put("subnet", subnet.toString());
        txt.put("url", url);
        txt.put("streams", String.join(",", streams));
        txt.put("viewers", Integer.toString(viewers));
        txt.put("capacity", Integer.toString(capacity));
        return txt;
    }

    /** Reads a TXT record; a malformed one throws IllegalArgumentException saying which key is wrong. */
    public static GatewayInfo fromTxt(String name, Map<String, String> txt) {
        String streams = txt.getOrDefault("streams", "");
        return new GatewayInfo(
                name,
                Subnet.parse(txt.get("subnet")),
                txt.get("url"),
                streams.isEmpty() ? List.of() : Arrays.asList(streams.split(",")),
                number(txt, "viewers"),
                number(txt, "capacity"));
    }

    private static int number(Map<String, String> txt, String key) {
        try {
            return Integer.parseInt(txt.getOrDefault(key, ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("TXT " + key + "='" + txt.get(key) + "' is not a number");
        }
    }
}
