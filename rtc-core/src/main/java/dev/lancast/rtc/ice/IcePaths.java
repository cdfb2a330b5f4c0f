package dev.lancast.rtc.ice;

import dev.lancast.rtc.peer.PeerConnection;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which source addresses route datagrams to which session on the shared port: an address becomes
 * a path of a session with a valid ICE check (its password) from it. A session holds at most
 * {@link #MAX_PER_SESSION} addresses, kept with the session, so that one that knows its own
 * password cannot grow the table with checks from spoofed addresses; a session's addresses leave
 * the table with it, by key.
 *
 * <p>Which checks add an address (RFC 8445): the first valid check of a session (it becomes the
 * path we send to, as before nomination a lite agent has nothing better); one that nominates
 * (USE-CANDIDATE: the controlling agent says it will use that pair, 7.3.1.5, and it becomes the
 * path); and one from the current path's IP address on another port (a new candidate of the same
 * host). Any other valid check is answered, which the controlling agent needs for its checks to
 * succeed (7.3.1.4 sends the response whatever we do with the pair), but adds no route: until it
 * nominates that pair no media comes from it. When a session has {@link #MAX_PER_SESSION}
 * addresses, a new one replaces its oldest address that is not the current path.
 *
 * <p>Checks of one session may reach two sockets at once (two loops): a session's own addresses
 * are changed under its lock; lookups by address are lock-free.
 */
final class IcePaths {
    static final int MAX_PER_SESSION = 4;

    private final Map<InetSocketAddress, PeerConnection> byAddress = new ConcurrentHashMap<>();
    private final Map<PeerConnection, Addresses> bySession = new ConcurrentHashMap<>();

    /** A session's addresses in the order they were added. */
    private static final class Addresses {
        final InetSocketAddress[] added = new InetSocketAddress[MAX_PER_SESSION];
        int count;

        int indexOf(InetSocketAddress address) {
            for (int i = 0; i < count; i++) {
                if (added[i].equals(address)) {
                    return i;
                }
            }
            return -1;
        }

        void removeAt(int i) {
            System.arraycopy(added, i + 1, added, i, count - i - 1);
            added[--count] = null;
        }
    }

    /** The session a datagram from this address belongs to, or null. */
    PeerConnection route(InetSocketAddress from) {
        return byAddress.get(from);
    }

    boolean routed(InetSocketAddress from) {
        return byAddress.containsKey(from);
    }

    /** A new session: it may gain addresses from now on. */
    void open(PeerConnection pc) {
        bySession.put(pc, new Addresses());
    }

    /**
     * A check from {@code from} authenticated with the session's password: makes the address a path
     * of the session if the rules above allow it. Returns whether datagrams from it reach the session.
     */
    boolean onValidCheck(PeerConnection pc, InetSocketAddress from, boolean useCandidate) {
        Addresses mine = bySession.get(pc);
        if (mine == null) {
            return false; // closed meanwhile
        }
        synchronized (mine) {
            if (mine.indexOf(from) >= 0) {
                return true;
            }
            InetSocketAddress path = pc.remoteAddress();
            boolean samePathHost = path != null && path.getAddress().equals(from.getAddress());
            if (mine.count > 0 && !useCandidate && !samePathHost) {
                return false;
            }
            if (byAddress.putIfAbsent(from, pc) != null) {
                return false; // another session's path (the first valid check from an address keeps it)
            }
            if (mine.count == MAX_PER_SESSION) {
                int oldest = 0;
                while (mine.added[oldest].equals(path)) {
                    oldest++; // the path we send to stays; the others are older candidates
                }
                byAddress.remove(mine.added[oldest], pc);
                mine.removeAt(oldest);
            }
            mine.added[mine.count++] = from;
            if (!bySession.containsKey(pc)) {
                byAddress.remove(from, pc); // closed while we added it
                return false;
            }
            return true;
        }
    }

    /** The session ended: its addresses leave the table (by key, at most {@link #MAX_PER_SESSION}). */
    void close(PeerConnection pc) {
        Addresses mine = bySession.remove(pc);
        if (mine == null) {
            return;
        }
        synchronized (mine) {
            for (int i = 0; i < mine.count; i++) {
                byAddress.remove(mine.added[i], pc);
            }
            mine.count = 0;
        }
    }

    /** Addresses routed to some session. */
    int size() {
        return byAddress.size();
    }
}
