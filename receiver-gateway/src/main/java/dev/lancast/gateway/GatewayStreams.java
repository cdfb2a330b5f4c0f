package dev.lancast.gateway;

import dev.lancast.gateway.relay.DeliveryControl;
import dev.lancast.gateway.relay.FeedbackSender;
import dev.lancast.gateway.relay.RepairRouter;
import dev.lancast.gateway.relay.ShardedFanout;
import dev.lancast.gateway.relay.StreamRelay;
import dev.lancast.rtc.catalog.GroupKeys;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.net.NamedThreadFactory;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import java.net.NetworkInterface;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's streams: a relay for each stream of the bridge's catalog, made and closed as the
 * catalog changes, each given the bridge's keys and packet indexes as they come.
 */
final class GatewayStreams {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayStreams.class);

    private final Map<String, StreamRelay> relays = new ConcurrentHashMap<>();
    private final EventLoops mediaLoops;
    private final EventLoop loop;
    private final List<DatagramChannel> channels;
    private final NetworkInterface iface;
    private final FeedbackSender feedback;
    private final RepairRouter repairs;
    private final DeliveryControl copies;
    private final int fallbackMs;
    private final CounterTable counters;
    private final LongSupplier nanos;
    /** The streams this gateway can serve may have changed: its presence says so soon. */
    private final Runnable servingChanged;

    private volatile GroupKeys keys;
    /** Joins and leaves the groups of video layers as viewers need them (docs/architecture.md, "Layers"). */
    private final ScheduledExecutorService layerGroups =
            Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("lancast-gateway-groups", true));

    /**
     * @param loop       the first media loop (the catalog's relays start there)
     * @param channels   the ICE port's channels, one per media loop (the fan-out's shards)
     * @param copies     asks the bridge for unicast copies of silent groups
     * @param fallbackMs how long groups may be silent before a copy is asked for; 0: never
     */
    GatewayStreams(
            EventLoops mediaLoops,
            EventLoop loop,
            List<DatagramChannel> channels,
            NetworkInterface iface,
            FeedbackSender feedback,
            RepairRouter repairs,
            DeliveryControl copies,
            int fallbackMs,
            CounterTable counters,
            LongSupplier nanos,
            Runnable servingChanged) {
        this.mediaLoops = mediaLoops;
        this.loop = loop;
        this.channels = channels;
        this.iface = iface;
        this.feedback = feedback;
        this.repairs = repairs;
        this.copies = copies;
        this.fallbackMs = fallbackMs;
        this.counters = counters;
        this.nanos = nanos;
        this.servingChanged = servingChanged;
    }

    StreamRelay get(String name) {
        return relays.get(name);
    }

    Collection<StreamRelay> all() {
        return relays.values();
    }

    /** The catalog's stream names (a live view). */
    Set<String> names() {
        return relays.keySet();
    }

    /** The streams this gateway can serve now: those whose current key it holds. */
    List<String> serving() {
        return relays.values().stream()
                .filter(StreamRelay::hasCurrentKey)
                .map(StreamRelay::name)
                .sorted()
                .toList();
    }

    int viewers() {
        return relays.values().stream().mapToInt(StreamRelay::viewerCount).sum();
    }

    /** The bridge's keys (the catalog poller's thread): to the feedback sender and every relay. */
    void onKeys(GroupKeys next) {
        keys = next;
        feedback.updateKeys(next);
        relays.values().forEach(r -> r.updateKeys(next));
        servingChanged.run();
        LOG.info(
                "group keys from the bridge: {} keys, feedback key {} in use",
                next.keys().size(),
                next.current());
    }

    /** The tracks' latest packet indexes from the bridge (the catalog poller's thread). */
    void onIndexes(List<GroupKeys.StreamIndex> indexes) {
        relays.values().forEach(r -> r.updateIndexes(indexes));
    }

    /** The bridge's catalog (the catalog poller's thread): relays made for new streams, closed for gone ones. */
    void onCatalog(StreamCatalog next) {
        for (StreamCatalog.Stream s : next.streams()) {
            relays.computeIfAbsent(s.name(), this::open).update(s);
        }
        relays.keySet().removeIf(name -> {
            boolean gone = next.streams().stream().noneMatch(s -> s.name().equals(name));
            if (gone) {
                relays.get(name).close();
                LOG.info("stream {} left the catalog", name);
            }
            return gone;
        });
        servingChanged.run();
    }

    void close() {
        relays.values().forEach(StreamRelay::close);
        layerGroups.shutdownNow();
    }

    private StreamRelay open(String name) {
        StreamRelay relay = new StreamRelay(
                name,
                mediaLoops,
                loop,
                iface,
                new ShardedFanout(name, loop, channels, nanos, counters),
                feedback,
                repairs,
                layerGroups,
                fallbackMs == 0 ? DeliveryControl.NONE : copies,
                fallbackMs,
                counters,
                nanos);
        GroupKeys known = keys;
        if (known != null) {
            relay.updateKeys(known);
        }
        return relay;
    }
}
