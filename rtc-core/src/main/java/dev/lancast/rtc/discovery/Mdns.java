package dev.lancast.rtc.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS-SD over mDNS on exactly one interface address. JmDNS is always created with that address:
 * it then binds its sockets, joins 224.0.0.251 and sends only there, never on the default
 * interface. Closing sends goodbyes for everything advertised and stops JmDNS's threads.
 */
public final class Mdns implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Mdns.class);

    private final JmDNS jmdns;
    private final InetAddress address;

    /**
     * @param address  the interface address to bind to (an address of lo or of the LAN interface)
     * @param hostName the host name to answer for in .local (e.g. "live" for live.local)
     */
    public Mdns(InetAddress address, String hostName) throws IOException {
        if (address == null || address.isAnyLocalAddress()) {
            throw new IllegalArgumentException("mDNS needs an interface address, not " + address);
        }
        this.address = address;
        this.jmdns = JmDNS.create(address, hostName);
        LOG.info("mDNS on {} as {}", address.getHostAddress(), jmdns.getHostName());
    }

    /** The address JmDNS is bound to: the only one it sends from. */
    public InetAddress boundAddress() throws IOException {
        return jmdns.getInetAddress();
    }

    /** Registers a service instance; the name may get a suffix if another host already uses it. */
    public Advertisement advertise(String type, String instance, int port, Map<String, String> txt) throws IOException {
        ServiceInfo info = ServiceInfo.create(type, instance, port, 0, 0, txt);
        jmdns.registerService(info);
        Advertisement a = new Advertisement(info, txt);
        LOG.info("advertising {} as '{}' on port {}", type, info.getName(), port);
        return a;
    }

    /** Follows the instances of a type on the link; the listener runs on JmDNS's own threads. */
    public void browse(String type, Listener listener) {
        jmdns.addServiceListener(type, new ServiceListener() {
            @Override
            public void serviceAdded(ServiceEvent event) {
                // Resolution (SRV, TXT, A) answers arrive through serviceResolved.
                jmdns.requestServiceInfo(event.getType(), event.getName(), 1000);
            }

            @Override
            public void serviceRemoved(ServiceEvent event) {
                listener.lost(event.getName());
            }

            @Override
            public void serviceResolved(ServiceEvent event) {
                DiscoveredService service = toService(event.getInfo());
                if (service != null) {
                    listener.found(service);
                }
            }
        });
    }

    private static DiscoveredService toService(ServiceInfo info) {
        List<InetAddress> addresses = Arrays.stream(info.getInet4Addresses()).map(a -> (InetAddress) a).toList();
        // DNS-SD services always have a TXT record (RFC 6763 section 6): without one, or without an
        // address, the instance is not fully resolved yet and another event follows.
        if (addresses.isEmpty() || info.getPort() == 0 || !info.getPropertyNames().hasMoreElements()) {
            return null;
        }
        Map<String, String> txt = new HashMap<>();
        for (Enumeration<String> names = info.getPropertyNames(); names.hasMoreElements(); ) {
            String key = names.nextElement();
            String value = info.getPropertyString(key);
            txt.put(key, value == null ? "" : value);
        }
        return new DiscoveredService(info.getName(), addresses, info.getPort(), txt);
    }

    @Override
    public void close() {
        try {
            jmdns.unregisterAllServices();
            jmdns.close();
        } catch (IOException e) {
            LOG.warn("closing mDNS on {}: {}", address.getHostAddress(), e.toString());
        }
    }

    /** Receives the instances of a browsed type as they come and go. */
    public interface Listener {
        /** Found or changed (a new TXT record, a new address). */
        void found(DiscoveredService service);

        /** Said goodbye, or its records expired. */
        void lost(String name);
    }

    /** One advertised instance; its TXT record can change while it runs. */
    public static final class Advertisement {
        private final ServiceInfo info;
        private Map<String, String> txt;

        private Advertisement(ServiceInfo info, Map<String, String> txt) {
            this.info = info;
            this.txt = Map.copyOf(txt);
        }

        public String name() {
            return info.getName();
        }

        /** Announces a new TXT record, only when it differs from the last one. */
        public synchronized void updateText(Map<String, String> next) {
            if (!next.equals(txt)) {
                txt = Map.copyOf(next);
                info.setText(next);
            }
        }
    }
}
