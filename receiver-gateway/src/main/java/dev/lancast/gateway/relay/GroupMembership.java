package dev.lancast.gateway.relay;

import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.multicast.MulticastReceiver;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.net.Interfaces;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream's multicast memberships at a gateway: one socket per track, joined on the gateway's
 * interface (source-specific where the catalog names the source), joined again when the catalog
 * moves the track's group, port or source. Audio, and the video of a stream with one active
 * layer, are always joined; of a stream with several active layers, a layer's group is joined
 * only while a viewer of this gateway is on it or being switched to it ({@link LayerDemand}), and
 * left {@value #LINGER_SECONDS} s after the last one went (so a viewer that comes back, or a
 * switch back, finds it warm), as RLM's receivers join and leave layers. A layer the broadcaster
 * does not send is never joined. Joining waits for the socket, so this runs on the control plane
 * (the catalog thread, the gateway's layer-groups thread), never on a media loop; the sockets hand
 * their datagrams to the relay's loop.
 */
final class GroupMembership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupMembership.class);
    static final long LINGER_SECONDS = 10;
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(LINGER_SECONDS);

    private final String stream;
    private final EventLoops loops;
    private final EventLoop loop;
    private final NetworkInterface iface;
    private final MulticastReceiver.Handler handler;
    private final IntSupplier needed;
    /** Told of each slot whose group is left: what was cached of it no longer leads up to its next packets. */
    private final IntConsumer onLeft;

    private final LongSupplier clock;
    /** By slot; null where not joined. */
    private final MulticastReceiver[] joined = new MulticastReceiver[Track.SLOTS];

    private final StreamCatalog.Track[] joinedAs = new StreamCatalog.Track[Track.SLOTS];
    /** By slot: when a viewer last needed the layer (clock), {@link #NEVER} before. */
    private final long[] lastNeeded = new long[Track.SLOTS];

    private static final long NEVER = Long.MIN_VALUE;
    private StreamCatalog.Stream entry;
    private volatile int joinedMask;
    private boolean closed;

    /**
     * @param needed the video layers (slot bits) viewers need now
     * @param onLeft told (on this thread) of each slot whose group was left
     */
    GroupMembership(
            String stream,
            EventLoops loops,
            EventLoop loop,
            NetworkInterface iface,
            MulticastReceiver.Handler handler,
            IntSupplier needed,
            IntConsumer onLeft,
            LongSupplier clock) {
        this.onLeft = onLeft;
        this.stream = stream;
        this.loops = loops;
        this.loop = loop;
        this.iface = iface;
        this.handler = handler;
        this.needed = needed;
        this.clock = clock;
        Arrays.fill(lastNeeded, NEVER);
    }

    /** A new catalog entry: joins what it names and is wanted, leaves what it no longer names; whether it joined any. */
    synchronized boolean follow(StreamCatalog.Stream next) {
        if (closed) {
            return false;
        }
        entry = next;
        return apply();
    }

    /** The viewers' needs changed, or time passed (a layer's linger ran out): joins and leaves accordingly. */
    synchronized void reconsider() {
        if (!closed && entry != null) {
            apply();
        }
    }

    /** Leaves every group and joins what is wanted again (a new IGMP report: a snooping switch that lost us hears one). */
    synchronized void rejoin() {
        if (closed || entry == null) {
            return;
        }
        leaveAll();
        apply();
        LOG.info("stream {}: left and joined its groups again", stream);
    }

    private boolean apply() {
        boolean joinedAny = false;
        long now = clock.getAsLong();
        int need = needed.getAsInt();
        int active = 0;
        for (StreamCatalog.Track t : entry.tracks()) {
            active += t.kind().equals("video") && t.active() ? 1 : 0;
        }
        int mask = 0;
        for (int slot = 0; slot < Track.SLOTS; slot++) {
            StreamCatalog.Track t = entry.track(Track.kindOfSlot(slot).label(), Track.layerOfSlot(slot));
            boolean wanted = t != null && wanted(slot, t, active, need, now);
            MulticastReceiver current = joined[slot];
            if (current != null && wanted && sameGroup(joinedAs[slot], t)) {
                joinedAs[slot] = t;
                mask |= 1 << slot;
                continue;
            }
            if (current != null) {
                current.close();
                joined[slot] = null;
                LOG.info(
                        "stream {}: left {} group {}:{}",
                        stream,
                        Track.slotLabel(slot),
                        joinedAs[slot].group(),
                        joinedAs[slot].port());
                onLeft.accept(slot);
            }
            if (wanted) {
                joined[slot] = join(slot, t);
                joinedAs[slot] = t;
                mask |= 1 << slot;
                joinedAny = true;
            }
        }
        joinedMask = mask;
        return joinedAny;
    }

    private boolean wanted(int slot, StreamCatalog.Track t, int activeLayers, int need, long now) {
        if (slot == Track.AUDIO_SLOT) {
            return true;
        }
        if (activeLayers <= 1) {
            // One layer: joined as a single-layer stream always was (inactive layers have nothing to send).
            return t.active() || (activeLayers == 0 && slot == 0);
        }
        if (!t.active()) {
            return false;
        }
        if ((need & (1 << slot)) != 0) {
            lastNeeded[slot] = now;
            return true;
        }
        return lastNeeded[slot] != NEVER && now - lastNeeded[slot] < LINGER_NANOS;
    }

    private MulticastReceiver join(int slot, StreamCatalog.Track track) {
        MulticastReceiver receiver = new MulticastReceiver(
                loops, loop, iface, new InetSocketAddress(track.group(), track.port()), sourceOf(track), handler);
        LOG.info(
                "stream {}: joined {} group {}:{} on {}{}",
                stream,
                Track.slotLabel(slot),
                track.group(),
                track.port(),
                iface.getName(),
                track.source() == null ? "" : " from source " + track.source());
        return receiver;
    }

    /** The slots joined now (bits). Any thread. */
    int joinedMask() {
        return joinedMask;
    }

    private static boolean sameGroup(StreamCatalog.Track before, StreamCatalog.Track after) {
        return before != null
                && after != null
                && Objects.equals(before.group(), after.group())
                && before.port() == after.port()
                && Objects.equals(before.source(), after.source());
    }

    /** The catalog's source as an address: never looked up by name (a name would mean DNS on this thread). */
    private static InetAddress sourceOf(StreamCatalog.Track track) {
        if (track.source() == null) {
            return null;
        }
        if (!Interfaces.isAddressLiteral(track.source())) {
            throw new IllegalArgumentException("catalog source '" + track.source() + "' is not an address");
        }
        try {
            return InetAddress.getByName(track.source());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        leaveAll();
        entry = null;
    }

    private void leaveAll() {
        for (int k = 0; k < joined.length; k++) {
            if (joined[k] != null) {
                joined[k].close();
                joined[k] = null;
            }
        }
        joinedMask = 0;
    }
}
