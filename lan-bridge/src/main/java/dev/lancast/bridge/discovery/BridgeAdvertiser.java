package dev.lancast.bridge.discovery;

import dev.lancast.rtc.discovery.DiscoveredService;
import dev.lancast.rtc.discovery.GatewayInfo;
import dev.lancast.rtc.discovery.Mdns;
import dev.lancast.rtc.discovery.ServiceTypes;
import dev.lancast.rtc.limits.LogThrottle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge on mDNS: advertises {@code _lancast._tcp} (TXT v, api, streams, and scheme=https
 * when its API is on HTTPS) on one interface address and feeds the {@code _lancast-gw._tcp}
 * records of that link into the registry.
 */
public final class BridgeAdvertiser implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeAdvertiser.class);

    private final Mdns mdns;
    private final LogThrottle ignoredRecords = new LogThrottle(LOG, Duration.ofMinutes(1), System::nanoTime);
    private final Mdns.Advertisement advertisement;
    private final boolean https;

    public BridgeAdvertiser(
            InetAddress address, String name, boolean https, int port, List<String> streams, GatewayRegistry registry) {
        this.https = https;
        try {
            this.mdns = new Mdns(address, name.replace(' ', '-'));
            this.advertisement = mdns.advertise(ServiceTypes.BRIDGE, name, port, txt(streams));
        } catch (IOException e) {
            throw new UncheckedIOException("mDNS on " + address.getHostAddress() + ": " + e.getMessage(), e);
        }
        mdns.browse(ServiceTypes.GATEWAY, new Mdns.Listener() {
            @Override
            public void found(DiscoveredService service) {
                try {
                    registry.seenByMdns(GatewayInfo.fromTxt(service.name(), service.txt()));
                } catch (IllegalArgumentException e) {
                    // Anyone on the link can send such records, at any rate: a line a minute at most.
                    ignoredRecords.warn("ignoring the mDNS record of gateway '{}': {}", service.name(), e.getMessage());
                }
            }

            @Override
            public void lost(String name) {
                registry.leftByMdns(name);
            }
        });
    }

    /** The address mDNS is bound to, for /api/status (and the tests that check it). */
    public String boundAddress() {
        return mdns.boundAddress().getHostAddress();
    }

    public String instanceName() {
        return advertisement.name();
    }

    public void updateStreams(List<String> streams) {
        advertisement.updateText(txt(streams));
    }

    private Map<String, String> txt(List<String> streams) {
        Map<String, String> txt = new LinkedHashMap<>();
        txt.put("v", ServiceTypes.VERSION);
        txt.put("api", "/api");
        txt.put("streams", String.join(",", streams));
        if (https) {
            txt.put("scheme", "https");
        }
        return txt;
    }

    @Override
    public void close() {
        mdns.close();
    }
}
