package dev.lancast.bridge;

import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.bridge.config.StreamConfig;
import dev.lancast.bridge.feedback.StreamsBySsrc;
import dev.lancast.bridge.ingest.StreamIngest;
import dev.lancast.bridge.keys.BridgeKeys;
import dev.lancast.bridge.multicast.GroupPublisher;
import dev.lancast.bridge.multicast.MulticastSenders;
import dev.lancast.bridge.relay.UnicastCopies;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.net.Interfaces;
import dev.lancast.rtc.time.WallClock;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's streams: made from the config, added, changed and removed by a reload while the
 * others run, and found by name (WHIP, relays) or by multicast SSRC (the gateways' feedback).
 */
final class BridgeStreams {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeStreams.class);

    private final Map<String, StreamIngest> byName = new ConcurrentSkipListMap<>();
    /** For the feedback: made again when streams come and go. */
    private final StreamsBySsrc bySsrc = new StreamsBySsrc();

    private final EventLoop loop;
    private final MulticastSenders senders;
    private final UnicastCopies unicast;
    private final BridgeKeys keys;
    private final NetworkInterface defaultIface;
    private final SecureRandom random;
    private final int firstSequenceNumber;
    private final LongSupplier nanos;
    private final CounterTable counters;

    /**
     * @param loop                the media loop: every stream's SRTP, publisher and repair state
     * @param firstSequenceNumber test only: the first multicast sequence number of every track; -1: random
     */
    BridgeStreams(
            EventLoop loop,
            MulticastSenders senders,
            UnicastCopies unicast,
            BridgeKeys keys,
            NetworkInterface defaultIface,
            SecureRandom random,
            int firstSequenceNumber,
            LongSupplier nanos,
            CounterTable counters) {
        this.loop = loop;
        this.senders = senders;
        this.unicast = unicast;
        this.keys = keys;
        this.defaultIface = defaultIface;
        this.random = random;
        this.firstSequenceNumber = firstSequenceNumber;
        this.nanos = nanos;
        this.counters = counters;
    }

    /** The config's streams, at start. */
    void start(BridgeConfig config) {
        for (StreamConfig s : config.streams()) {
            byName.put(s.name(), open(s, config));
        }
        bySsrc.use(byName.values());
    }

    StreamIngest get(String name) {
        return byName.get(name);
    }

    boolean has(String name) {
        return byName.containsKey(name);
    }

    Collection<StreamIngest> all() {
        return byName.values();
    }

    List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** The public catalog: every stream with its current key id and viewer-token MACs. */
    StreamCatalog catalog() {
        byte[] secret = keys.viewerSecret();
        return new StreamCatalog(byName.values().stream()
                .map(s -> s.catalogEntry(s.publisher().keys().current().id(), secret))
                .toList());
    }

    /**
     * Applies a reloaded config's streams: removed ones closed, new ones opened, changed ones
     * reconfigured in place (new sockets only when groups, TTL, DSCP or interface changed).
     *
     * @return the names of the streams removed
     */
    List<String> reload(BridgeConfig current, BridgeConfig next) throws InterruptedException, ExecutionException {
        List<String> removed = new ArrayList<>();
        for (String name : names()) {
            if (next.stream(name) == null) {
                StreamIngest gone = byName.remove(name);
                bySsrc.use(byName.values());
                gone.close();
                senders.forget(name);
                removed.add(name);
                LOG.info("config reload: stream {} removed", name);
            }
        }
        boolean ttlChanged = current.multicast().ttl() != next.multicast().ttl();
        for (StreamConfig s : next.streams()) {
            StreamIngest running = byName.get(s.name());
            if (running == null) {
                byName.put(s.name(), open(s, next));
                bySsrc.use(byName.values());
                LOG.info("config reload: stream {} added", s.name());
            } else if (!s.equals(running.config()) || ttlChanged) {
                StreamConfig was = running.config();
                boolean moved = !s.groups().equals(was.groups())
                        || !Objects.equals(s.ttl(), was.ttl())
                        || !Objects.equals(s.iface(), was.iface())
                        || ttlChanged;
                running.reconfigure(s, moved ? senders.open(s, next) : null, sourceAddress(s));
                bySsrc.use(byName.values()); // a layer's SSRC comes or goes with the layers
                LOG.info("config reload: stream {} changed{}", s.name(), moved ? " (groups, layers, TTL or DSCP)" : "");
            }
        }
        return removed;
    }

    /** A stream's unicast copies changed (an HTTP thread or the expiry timer): to its publisher, on the media loop. */
    void copies(String stream, InetSocketAddress[] to, Map<InetSocketAddress, int[]> from) {
        StreamIngest s = byName.get(stream);
        if (s != null) {
            loop.execute(() -> s.publisher().copyTo(to, from));
        }
    }

    /** A gateway's PLI or FIR (on the feedback loop): to the stream one of whose video layers' SSRC it names. */
    void keyframeRequested(long mediaSsrc) {
        StreamIngest s = bySsrc.stream(mediaSsrc);
        if (s != null) {
            s.keyframeRequested(mediaSsrc);
        }
    }

    /** A gateway's NACK (on the feedback loop): the stream's publisher resends from its cache, on the media loop. */
    void nacked(long mediaSsrc, int[] seqs, int count, InetSocketAddress gateway, DatagramChannel via) {
        StreamIngest s = bySsrc.stream(mediaSsrc);
        if (s != null) {
            s.nacked(mediaSsrc, seqs, count, gateway, via); // by the slot of that SSRC, on the media loop
        }
    }

    void close() {
        for (StreamIngest s : List.copyOf(byName.values())) {
            s.close();
        }
    }

    private StreamIngest open(StreamConfig s, BridgeConfig c) {
        GroupPublisher publisher = new GroupPublisher(
                keys.newStreamKeyring(),
                senders.open(s, c),
                unicast,
                c.multicast().sendTimestamps() ? new WallClock() : null,
                nanos,
                counters,
                s.name());
        return new StreamIngest(
                s,
                publisher,
                loop,
                c.feedback().toString(),
                sourceAddress(s),
                random,
                firstSequenceNumber,
                nanos,
                counters);
    }

    /** The address the stream's groups are sent from (its own interface, or the bridge's). */
    private String sourceAddress(StreamConfig s) {
        NetworkInterface iface = s.iface() != null ? Interfaces.resolve(s.iface()) : defaultIface;
        return Interfaces.ipv4Address(iface).getHostAddress();
    }
}
