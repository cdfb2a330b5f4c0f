package dev.lancast.gateway.discovery;

import dev.lancast.rtc.discovery.DiscoveredService;
import dev.lancast.rtc.discovery.GatewayInfo;
import dev.lancast.rtc.discovery.Mdns;
import dev.lancast.rtc.discovery.ServiceTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway on mDNS, on one interface address: advertises {@code _lancast-gw._tcp} with its
 * subnet, URL and load, and follows the {@code _lancast._tcp} bridges of its link to pick the one
 * it uses (by name when several advertise).
 */
public final class GatewayDiscovery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayDiscovery.class);

    private final Mdns mdns;
    private final Mdns.Advertisement advertisement;
    private final String wantedBridge;
    private final Map<String, DiscoveredService> bridges = new TreeMap<>();
    private volatile Bridge chosen;

    /** A bridge found on the link: its instance name and HTTP base URL. */
    public record Bridge(String name, String url) {
    }

    /**
     * @param hostName     .local host name to answer for (null: one made from the gateway's name)
     * @param findBridge   follow the bridges on the link (false when the config names the bridge's URL)
     * @param wantedBridge the bridge instance to use (null: the only one on the link)
     */
    public GatewayDiscovery(InetAddress address, String hostName, GatewayInfo self, int httpPort, boolean findBridge,
                            String wantedBridge) {
        this.wantedBridge = wantedBridge;
        try {
            this.mdns = new Mdns(address, hostName != null ? hostName : self.name());
            this.advertisement = mdns.advertise(ServiceTypes.GATEWAY, self.name(), httpPort, self.toTxt());
        } catch (IOException e) {
            throw new UncheckedIOException("mDNS on " + address.getHostAddress() + ": " + e.getMessage(), e);
        }
        if (findBridge) {
            followBridges();
        }
    }

    private void followBridges() {
        mdns.browse(ServiceTypes.BRIDGE, new Mdns.Listener() {
            @Override
            public void found(DiscoveredService service) {
                if (!ServiceTypes.VERSION.equals(service.txt("v"))) {
                    LOG.warn("ignoring bridge '{}' on mDNS: TXT v={} (this gateway speaks v={})", service.name(),
                            service.txt("v"), ServiceTypes.VERSION);
                    return;
                }
                synchronized (bridges) {
                    bridges.put(service.name(), service);
                    choose();
                }
            }

            @Override
            public void lost(String name) {
                synchronized (bridges) {
                    bridges.remove(name);
                    choose();
                }
            }
        });
    }

    private void choose() {
        DiscoveredService pick;
        if (wantedBridge != null) {
            pick = bridges.get(wantedBridge);
        } else {
            pick = bridges.isEmpty() ? null : bridges.values().iterator().next();
            if (bridges.size() > 1) {
                LOG.warn("{} bridges advertise on this link ({}); using '{}'. Set discovery.bridgeName to choose.",
                        bridges.size(), String.join(", ", bridges.keySet()), pick.name());
            }
        }
        Bridge next = pick == null ? null
                : new Bridge(pick.name(), ("https".equals(pick.txt("scheme")) ? "https://" : "http://")
                        + pick.addresses().get(0).getHostAddress() + ":" + pick.port());
        if (!java.util.Objects.equals(next, chosen)) {
            if (next == null) {
                LOG.warn("bridge {} is gone from mDNS; waiting for it to come back", chosen.name());
            } else {
                LOG.info("using bridge '{}' at {} (found via mDNS)", next.name(), next.url());
            }
            chosen = next;
        }
    }

    /** The bridge chosen from the link, or null while none is known. */
    public Bridge bridge() {
        return chosen;
    }

    /** Announces the gateway's current load and streams (nothing is sent when they did not change). */
    public void update(GatewayInfo self) {
        advertisement.updateText(self.toTxt());
    }

    public String boundAddress() {
        try {
            return mdns.boundAddress().getHostAddress();
        } catch (IOException e) {
            return "unknown: " + e.getMessage();
        }
    }

    @Override
    public void close() {
        mdns.close();
    }
}
