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
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream's multicast memberships at a gateway: one socket per track, joined on the gateway's
 * interface (source-specific where the catalog names the source), joined again when the catalog
 * moves the track's group, port or source. The control plane's (the catalog thread's): joining
 * waits for the socket, so it never runs on a media loop. The sockets hand their datagrams to the
 * relay's loop.
 */
final class GroupMembership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupMembership.class);

    private final String stream;
    private final EventLoops loops;
    private final EventLoop loop;
    private final NetworkInterface iface;
    private final MulticastReceiver.Handler handler;
    /** By {@link Track.Kind} ordinal; null where not joined. */
    private final MulticastReceiver[] joined = new MulticastReceiver[Track.Kind.COUNT];

    GroupMembership(String stream, EventLoops loops, EventLoop loop, NetworkInterface iface,
                    MulticastReceiver.Handler handler) {
        this.stream = stream;
        this.loops = loops;
        this.loop = loop;
        this.iface = iface;
        this.handler = handler;
    }

    /** Joins what next names that previous (null at first) did not, or named elsewhere. */
    synchronized void follow(StreamCatalog.Stream previous, StreamCatalog.Stream next) {
        for (Track.Kind kind : Track.Kind.values()) {
            StreamCatalog.Track before = previous == null ? null : previous.track(kind.label());
            StreamCatalog.Track after = next.track(kind.label());
            MulticastReceiver current = joined[kind.ordinal()];
            if (current != null && sameGroup(before, after)) {
                continue;
            }
            if (current != null) {
                current.close();
            }
            joined[kind.ordinal()] = after == null ? null : join(kind, after);
        }
    }

    private MulticastReceiver join(Track.Kind kind, StreamCatalog.Track track) {
        MulticastReceiver receiver = new MulticastReceiver(loops, loop, iface,
                new InetSocketAddress(track.group(), track.port()), sourceOf(track), handler);
        LOG.info("stream {}: joined {} group {}:{} on {}{}", stream, kind.label(), track.group(), track.port(),
                iface.getName(), track.source() == null ? "" : " from source " + track.source());
        return receiver;
    }

    private static boolean sameGroup(StreamCatalog.Track before, StreamCatalog.Track after) {
        return before != null && after != null && Objects.equals(before.group(), after.group())
                && before.port() == after.port() && Objects.equals(before.source(), after.source());
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
        for (int k = 0; k < joined.length; k++) {
            if (joined[k] != null) {
                joined[k].close();
                joined[k] = null;
            }
        }
    }
}
