package dev.lancast.rtc.discovery;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * A service instance found on the link: its instance name, the IPv4 addresses and port of its SRV
 * and A records, and its TXT record.
 */
public record DiscoveredService(String name, List<InetAddress> addresses, int port, Map<String, String> txt) {
    public DiscoveredService {
        addresses = List.copyOf(addresses);
        txt = Map.copyOf(txt);
    }

    public String txt(String key) {
        return txt.get(key);
    }
}
