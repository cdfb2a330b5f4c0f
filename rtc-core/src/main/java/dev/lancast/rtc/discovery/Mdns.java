package dev.lancast.rtc.discovery;

import dev.lancast.rtc.limits.LogThrottle;
import dev.lancast.rtc.net.NamedThreadFactory;
import dev.lancast.rtc.net.Subnet;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS-SD over multicast DNS (RFC 6762, RFC 6763) on exactly one interface address, for the two
 * lancast service types: it advertises ours ({@link MdnsResponder}) and follows the instances of a
 * browsed type ({@link MdnsBrowser}). Its socket joins 224.0.0.251 on that interface only, sends
 * only there (IP_MULTICAST_IF, TTL 255), and takes datagrams only from addresses of that
 * interface's subnet (RFC 6762 11: mDNS is link-local; a host elsewhere has no business here).
 *
 * <p>Anyone on the link can send anything, so nothing here grows with what they send: unlike a
 * general mDNS cache (JmDNS's keeps every record of every type, each new instance costing a
 * blocking one-second resolution on its one thread), only the browsed types' records are kept,
 * with caps and a TTL ceiling; resolution is the answers to our own queries, never a wait; a
 * record is multicast at most once a second however many queries ask; instance names are made
 * printable before anyone logs them, and malformed datagrams are logged at most once a minute.
 *
 * <p>Threads: one receives (blocking on the socket, so a flood is bounded by the socket's buffer,
 * not by a queue of ours), one runs the timers (probes, announcements, queries, expiries) and the
 * listeners' calls; both are named and stopped by {@link #close}, which first sends goodbyes.
 */
public final class Mdns implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Mdns.class);
    public static final int PORT = 5353;
    /** An address literal: never looked up. */
    private static final InetSocketAddress GROUP = new InetSocketAddress("224.0.0.251", PORT);
    /** Instances of a browsed type kept unless the caller says otherwise. */
    public static final int DEFAULT_MAX_INSTANCES = 64;

    private static final int MAX_DATAGRAM = 9000;
    private static final long TICK_MILLIS = 250;
    private static final long PROBE_WAIT_SECONDS = 10;

    private final InetAddress address;
    private final NetworkInterface iface;
    private final Subnet link;
    private final MulticastSocket socket;
    private final MdnsResponder responder;
    private final List<MdnsBrowser> browsers = new ArrayList<>();
    private final ScheduledExecutorService timer;
    private final Thread receiver;
    private final LogThrottle malformed = new LogThrottle(LOG, Duration.ofMinutes(1), System::nanoTime);
    private volatile boolean closed;

    /**
     * @param address  the interface address to work on (an address of lo or of the LAN interface)
     * @param hostName the host name to answer for in .local (e.g. "live" for live.local)
     */
    public Mdns(InetAddress address, String hostName) throws IOException {
        if (address == null || address.isAnyLocalAddress() || address.getAddress().length != 4) {
            throw new IllegalArgumentException("mDNS needs an IPv4 interface address, not " + address);
        }
        this.address = address;
        this.iface = NetworkInterface.getByInetAddress(address);
        if (iface == null) {
            throw new IOException("no interface has the address " + address.getHostAddress());
        }
        this.link = Subnet.ofInterface(iface);
        this.responder = new MdnsResponder(address, hostName);
        MulticastSocket s = new MulticastSocket(null);
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(PORT));
            s.setNetworkInterface(iface);
            s.setTimeToLive(255);
            s.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true); // other processes on this host (the demo)
            s.joinGroup(GROUP, iface);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        this.socket = s;
        this.timer = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("lancast-mdns", true));
        this.receiver = new NamedThreadFactory("lancast-mdns-receive", true).newThread(this::receive);
        receiver.start();
        timer.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        LOG.info("mDNS on {} ({}) as {}.local", address.getHostAddress(), iface.getName(), hostName);
    }

    /** The address this works on: the only one it sends from. */
    public InetAddress boundAddress() {
        return address;
    }

    /**
     * Advertises a service instance once it is probed and announced (about a second); the name
     * gets a suffix (" (2)") if another host uses it.
     */
    public Advertisement advertise(String type, String instance, int port, Map<String, String> txt) throws IOException {
        MdnsResponder.Service service;
        synchronized (this) {
            service = responder.add(type, instance, port, txt, System.nanoTime());
        }
        try {
            String name = service.established.get(PROBE_WAIT_SECONDS, TimeUnit.SECONDS);
            LOG.info("advertising {} as '{}' on port {}", type, name, port);
        } catch (TimeoutException e) {
            throw new IOException(
                    "mDNS probing of '" + instance + "' did not finish within " + PROBE_WAIT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while probing '" + instance + "'");
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
        return new Advertisement(service);
    }

    /** Follows the instances of a type on the link, at most {@value #DEFAULT_MAX_INSTANCES} at once. */
    public void browse(String type, Listener listener) {
        browse(type, DEFAULT_MAX_INSTANCES, listener);
    }

    /** As above with another cap; the listener runs on this instance's timer thread. */
    public synchronized void browse(String type, int maxInstances, Listener listener) {
        browsers.add(new MdnsBrowser(type, maxInstances, listener, timer::execute, System.nanoTime()));
    }

    /** Instance records of browsed types not kept for the caps (a crowded or flooded link). */
    public synchronized long ignoredInstances() {
        return browsers.stream().mapToLong(MdnsBrowser::ignored).sum();
    }

    private void receive() {
        byte[] buf = new byte[MAX_DATAGRAM];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                packet.setLength(buf.length);
                socket.receive(packet);
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("mDNS on {}: {}", address.getHostAddress(), e.toString());
                }
                continue;
            }
            InetAddress from = packet.getAddress();
            if (!link.contains(from)) {
                continue; // not from this link (another interface's mDNS reaching our socket)
            }
            DnsMessage message;
            try {
                message = DnsMessage.parse(buf, 0, packet.getLength());
            } catch (DnsException e) {
                malformed.warn("malformed mDNS datagram from {}: {}", from.getHostAddress(), e.getMessage());
                continue;
            }
            try {
                onMessage(message, from, packet.getPort());
            } catch (RuntimeException e) {
                malformed.warn("mDNS datagram from {} not handled: {}", from.getHostAddress(), e.toString());
            }
        }
    }

    private void onMessage(DnsMessage message, InetAddress from, int port) {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        byte[] answer = null;
        synchronized (this) {
            if (message.response()) {
                responder.onResponse(message.records(), now);
                for (MdnsBrowser b : browsers) {
                    b.onResponse(message.records(), from, now);
                }
            } else if (!message.questions().isEmpty()) {
                answer = responder.answer(message, port != PORT, now);
            }
        }
        if (answer != null) {
            send(answer, port != PORT ? new InetSocketAddress(from, port) : GROUP);
        }
    }

    private void tick() {
        long now = System.nanoTime();
        List<byte[]> out = new ArrayList<>();
        synchronized (this) {
            responder.tick(now, out);
            DnsWriter query = new DnsWriter(0, false);
            for (MdnsBrowser b : browsers) {
                b.tick(now, query);
            }
            if (!query.isEmpty()) {
                out.add(query.bytes());
            }
        }
        out.forEach(m -> send(m, GROUP));
    }

    private void send(byte[] message, InetSocketAddress to) {
        if (closed) {
            return;
        }
        try {
            socket.send(new DatagramPacket(message, message.length, to));
        } catch (IOException e) {
            malformed.warn("mDNS send on {} failed: {}", address.getHostAddress(), e.toString());
        }
    }

    /**
     * A name or TXT value from the link as it may be shown and logged: control characters (and
     * Unicode line and paragraph separators) become '?', at most 63 characters.
     */
    public static String printable(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), 63));
        for (int i = 0; i < text.length() && out.length() < 63; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
        }
        return out.toString();
    }

    @Override
    public void close() {
        byte[] bye;
        synchronized (this) {
            bye = responder.goodbye();
        }
        if (bye != null) {
            send(bye, GROUP);
        }
        closed = true;
        timer.shutdownNow();
        socket.close();
        try {
            receiver.join(TimeUnit.SECONDS.toMillis(5));
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
    public final class Advertisement {
        private final MdnsResponder.Service service;

        private Advertisement(MdnsResponder.Service service) {
            this.service = service;
        }

        public String name() {
            synchronized (Mdns.this) {
                return service.instance;
            }
        }

        /** Announces a new TXT record, only when it differs from the last one. */
        public void updateText(Map<String, String> next) {
            synchronized (Mdns.this) {
                if (!next.equals(service.txt)) {
                    responder.updateText(service, next, System.nanoTime());
                }
            }
        }
    }
}
