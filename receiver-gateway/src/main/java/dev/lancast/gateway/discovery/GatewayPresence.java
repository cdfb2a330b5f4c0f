package dev.lancast.gateway.discovery;

import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.gateway.trust.BridgeTrust;
import dev.lancast.rtc.discovery.GatewayInfo;
import dev.lancast.rtc.discovery.StreamLayers;
import dev.lancast.rtc.net.Interfaces;
import dev.lancast.rtc.net.NamedThreadFactory;
import dev.lancast.rtc.net.Subnet;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who this gateway is to the bridge and the link (name, viewer page URL, subnet, load) and where
 * its bridge is: the configured URL, or the one found on mDNS that bridgeTls verifies. Every two seconds, and at once when
 * the streams it can serve change, it re-announces its TXT record and sends its heartbeat; on
 * close it says goodbye to both.
 */
public final class GatewayPresence implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayPresence.class);

    /**
     * The gateway's load now: the streams it can serve, its viewers, whether it drains (capacity 0),
     * and per stream the layers it receives with its viewers on each (the bridge's admin page shows them).
     */
    public record Load(List<String> streams, int viewers, boolean draining, List<StreamLayers> layers) {}

    private final GatewayConfig config;
    private final String name;
    private final String url;
    private final Subnet subnet;
    private final int capacity;
    private final Supplier<Load> load;
    private final GatewayDiscovery discovery;
    private final BridgeRegistration registration;
    private final SubnetPeers peers;
    private final AtomicBoolean recordsChanged = new AtomicBoolean();
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("lancast-gateway-presence", true));

    /**
     * @param multicastIface the interface mDNS runs on unless discovery.interface names another
     * @param viewerPort     the port of the viewer page (plain HTTP, or HTTPS when plain does not serve)
     */
    public GatewayPresence(
            GatewayConfig config,
            NetworkInterface multicastIface,
            boolean https,
            int viewerPort,
            BridgeTrust trust,
            Supplier<Load> load,
            SubnetPeers peers) {
        this.config = config;
        this.load = load;
        this.peers = peers;
        GatewayConfig.DiscoverySettings d = config.discovery();
        NetworkInterface ni = d.iface() != null ? Interfaces.resolve(d.iface()) : multicastIface;
        InetAddress address = Interfaces.ipv4Address(ni);
        this.name = nameOf(config, multicastIface);
        String listenHost =
                (https ? config.http().tls().listen() : config.http().listen()).host();
        this.url = d.url() != null
                ? d.url()
                : (https ? "https://" : "http://")
                        + ("0.0.0.0".equals(listenHost) ? address.getHostAddress() : listenHost) + ":" + viewerPort
                        + "/";
        this.subnet = d.subnet() != null ? d.subnet() : Subnet.ofInterface(ni);
        this.capacity = d.capacity() > 0 ? d.capacity() : config.limits().maxSessions();
        this.discovery = d.mdns()
                ? new GatewayDiscovery(
                        address,
                        d.hostName(),
                        self(),
                        viewerPort,
                        config.bridgeUrl() == null,
                        d.bridgeName(),
                        trust,
                        this::bridgeRecordsChanged)
                : null;
        this.registration = new BridgeRegistration(trust);
        thread.scheduleWithFixedDelay(this::announce, 0, BridgeRegistration.INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The viewer page's URL this gateway gives the bridge and viewers. */
    public String url() {
        return url;
    }

    /**
     * This gateway's name in mDNS and in the bridge's registry (the bridge binds its token to it):
     * discovery.name, else gw- and its discovery interface's address.
     */
    public static String nameOf(GatewayConfig config, NetworkInterface multicastIface) {
        GatewayConfig.DiscoverySettings d = config.discovery();
        if (d.name() != null) {
            return d.name();
        }
        NetworkInterface ni = d.iface() != null ? Interfaces.resolve(d.iface()) : multicastIface;
        return "gw-" + Interfaces.ipv4Address(ni).getHostAddress().replace('.', '-');
    }

    /** The configured bridge, else the one found on mDNS; null while none is known. */
    public String bridgeUrl() {
        if (config.bridgeUrl() != null) {
            return config.bridgeUrl();
        }
        GatewayDiscovery.Bridge found = discovery.bridge();
        return found == null ? null : found.url();
    }

    private GatewayInfo self() {
        Load now = load.get();
        return new GatewayInfo(
                name, subnet, url, now.streams(), now.viewers(), now.draining() ? 0 : capacity, now.layers());
    }

    private void announce() {
        try {
            GatewayInfo info = self();
            if (discovery != null) {
                discovery.update(info);
                if (config.bridgeUrl() == null) {
                    GatewayDiscovery.Bridge inUse = discovery.bridge();
                    discovery.refresh(inUse != null && registration.registeredWith(inUse.url()));
                }
            }
            String bridge = bridgeUrl();
            if (bridge != null) {
                registration.heartbeat(bridge, info);
                peers.refresh(bridge, name, subnet.toString());
            }
        } catch (RuntimeException e) {
            LOG.warn("announcing this gateway failed: {}", e.toString());
        }
    }

    /** Tells the bridge and the link now rather than at the next beat, so the portal knows at once. */
    public void announceSoon() {
        try {
            thread.execute(this::announce);
        } catch (RejectedExecutionException stopping) {
            // close() has begun; the goodbye is on its way instead
        }
    }

    /**
     * A bridge record came or went: choose again soon. Records are free to forge, so a burst of
     * them queues one announce, not one each.
     */
    private void bridgeRecordsChanged() {
        if (recordsChanged.compareAndSet(false, true)) {
            try {
                thread.execute(() -> {
                    recordsChanged.set(false);
                    announce();
                });
            } catch (RejectedExecutionException stopping) {
                // closing
            }
        }
    }

    /** This gateway's name in the bridge's registry and on mDNS. */
    public String name() {
        return name;
    }

    /** "'gw-a' at http://...:8081/ (subnet 198.18.1.0/24)", for the ready line. */
    public String describe() {
        return "'" + name + "' at " + url + " (subnet " + subnet + ")";
    }

    /** For /api/status: name, url, subnet, the bridge in use and how it was found, mDNS's address. */
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("url", url);
        out.put("subnet", subnet.toString());
        Map<String, Object> bridge = new LinkedHashMap<>();
        bridge.put("url", bridgeUrl());
        if (config.bridgeUrl() != null) {
            bridge.put("foundBy", "config");
        } else {
            GatewayDiscovery.Bridge found = discovery.bridge();
            bridge.put("name", found == null ? null : found.name());
            bridge.put("foundBy", "mdns");
            if (found != null) {
                bridge.put("verifiedBy", discovery.verifiedBy());
            } else {
                bridge.put(
                        "reason",
                        discovery.refused().isEmpty()
                                ? "no bridge found on mDNS yet"
                                : "no discovered bridge can be trusted with this gateway's credentials");
            }
            if (!discovery.refused().isEmpty()) {
                bridge.put("refused", discovery.refused());
            }
        }
        out.put("bridge", bridge);
        if (discovery != null) {
            out.put("discovery", Map.of("mdnsAddress", discovery.boundAddress()));
        }
        return out;
    }

    @Override
    public void close() {
        thread.shutdownNow();
        String bridge = bridgeUrl();
        if (bridge != null) {
            registration.goodbye(bridge, name);
        }
        if (discovery != null) {
            discovery.close();
        }
    }
}
