package dev.lancast.gateway.discovery;

import dev.lancast.gateway.trust.BridgeTrust;
import dev.lancast.rtc.discovery.DiscoveredService;
import dev.lancast.rtc.discovery.GatewayInfo;
import dev.lancast.rtc.discovery.Mdns;
import dev.lancast.rtc.discovery.ServiceTypes;
import dev.lancast.rtc.limits.LogThrottle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway on mDNS, on one interface address: advertises {@code _lancast-gw._tcp} with its
 * subnet, URL and load, and follows the {@code _lancast._tcp} bridges of its link to pick the one
 * it uses (by name when several advertise), if bridgeTls verifies it over HTTPS.
 */
public final class GatewayDiscovery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayDiscovery.class);

    private final Mdns mdns;
    private final Mdns.Advertisement advertisement;
    private final String wantedBridge;
    /** Records are free to forge: at most this many bridges are remembered. */
    private static final int MAX_BRIDGES = 64;

    private final Map<String, DiscoveredService> bridges = new TreeMap<>();
    private final BridgeTrust trust;
    private final Runnable changed;
    private final Set<String> loggedRefusals = new HashSet<>();
    private final LogThrottle ignoredRecords = new LogThrottle(LOG, Duration.ofMinutes(1), System::nanoTime);
    private volatile Bridge chosen;
    private volatile Map<String, String> refused = Map.of();

    /** A bridge found on the link: its instance name and HTTP base URL. */
    public record Bridge(String name, String url) {}

    /**
     * @param hostName     .local host name to answer for (null: one made from the gateway's name)
     * @param findBridge   follow the bridges on the link (false when the config names the bridge's URL)
     * @param wantedBridge the bridge instance to use (null: the only one on the link)
     * @param trust        decides whether a discovered bridge may have this gateway's credentials
     * @param changed      called when a bridge record comes or goes (to {@link #refresh} soon)
     */
    GatewayDiscovery(
            InetAddress address,
            String hostName,
            GatewayInfo self,
            int httpPort,
            boolean findBridge,
            String wantedBridge,
            BridgeTrust trust,
            Runnable changed) {
        this.wantedBridge = wantedBridge;
        this.changed = changed;
        this.trust = trust;
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
                    // Anyone on the link can send such records, at any rate: a line a minute at most.
                    ignoredRecords.warn(
                            "ignoring bridge '{}' on mDNS: TXT v={} (this gateway speaks v={})",
                            service.name(),
                            service.txt("v"),
                            ServiceTypes.VERSION);
                    return;
                }
                synchronized (bridges) {
                    if (bridges.size() < MAX_BRIDGES || bridges.containsKey(service.name())) {
                        bridges.put(service.name(), service);
                    }
                }
                changed.run();
            }

            @Override
            public void lost(String name) {
                synchronized (bridges) {
                    bridges.remove(name);
                }
                changed.run();
            }
        });
    }

    /**
     * Picks the bridge to use from the records on the link, on the presence thread before each
     * beat. mDNS is only a hint: a bridge in use that still answers heartbeats stays in use whatever
     * records come and go (a spoofed goodbye or same-name record cannot move the gateway), and a
     * new one is taken only when {@link BridgeTrust} verifies it.
     *
     * @param currentAnswers the last heartbeat to the bridge in use succeeded
     */
    void refresh(boolean currentAnswers) {
        if (chosen != null && currentAnswers) {
            return;
        }
        List<DiscoveredService> candidates = new ArrayList<>();
        synchronized (bridges) {
            if (wantedBridge == null) {
                candidates.addAll(bridges.values());
            } else if (bridges.containsKey(wantedBridge)) {
                candidates.add(bridges.get(wantedBridge));
            }
        }
        Bridge next = null;
        Map<String, String> refusedNow = new TreeMap<>();
        for (DiscoveredService service : candidates) {
            if (service.addresses().isEmpty()) {
                continue; // a record without an A record yet: nothing to connect to
            }
            Bridge bridge = new Bridge(
                    service.name(),
                    ("https".equals(service.txt("scheme")) ? "https://" : "http://")
                            + service.addresses().get(0).getHostAddress() + ":" + service.port());
            String why = trust.refusal(bridge.url(), true);
            if (why == null) {
                next = bridge;
                break;
            }
            refusedNow.put(bridge.name(), bridge.url() + ": " + why);
            if (loggedRefusals.size() >= MAX_BRIDGES) {
                loggedRefusals.clear();
            }
            if (loggedRefusals.add(bridge.name() + " " + bridge.url() + " " + why)) {
                LOG.warn("not using bridge '{}' found on mDNS at {}: {}", bridge.name(), bridge.url(), why);
            }
        }
        refused = Map.copyOf(refusedNow);
        if (!Objects.equals(next, chosen)) {
            if (next == null) {
                LOG.warn("bridge {} is gone or no longer answers; looking for a bridge on mDNS", chosen.name());
            } else {
                if (wantedBridge == null && candidates.size() > 1) {
                    LOG.warn(
                            "{} bridges advertise on this link; using '{}'. Set discovery.bridgeName to choose.",
                            candidates.size(),
                            next.name());
                }
                LOG.info(
                        "using bridge '{}' at {} (found via mDNS, verified by bridgeTls.{})",
                        next.name(),
                        next.url(),
                        trust.verifiedBy());
            }
            chosen = next;
        }
    }

    /** Discovered bridges not used, by name: their URL and why (what to configure). */
    public Map<String, String> refused() {
        return refused;
    }

    /** "fingerprint", "ca" or "token": what verified the bridge in use. */
    public String verifiedBy() {
        return trust.verifiedBy();
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
        return mdns.boundAddress().getHostAddress();
    }

    @Override
    public void close() {
        mdns.close();
    }
}
