package dev.lancast.rtc.http;

import dev.lancast.rtc.limits.ClientKeys;
import dev.lancast.rtc.limits.Limit;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.limits.RateLimitedLog;
import io.netty.channel.socket.SocketChannel;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@link #MAX_CONNECTIONS_PER_CLIENT} connections of one listener open at once from one
 * client (an IPv4 address, an IPv6 /64: {@link ClientKeys#host}); more are closed as they come,
 * counted and logged, so that one host cannot take all the file descriptors and heap that the
 * other listeners and the media sockets share. Any thread (the listener's loops).
 */
final class ConnectionAdmission {
    static final int MAX_CONNECTIONS_PER_CLIENT = 64;

    private final LimitCounters counters;
    private final RateLimitedLog refusals;
    /** Open connections by client; a client leaves when its last connection closes. */
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

    ConnectionAdmission(LimitCounters counters, RateLimitedLog refusals) {
        this.counters = counters;
        this.refusals = refusals;
    }

    /** Counts the connection against its client; closes it (counted, logged) when the client has too many. */
    boolean admit(SocketChannel ch) {
        InetAddress client = ClientKeys.host(ch.remoteAddress().getAddress());
        int now = open.merge(client, 1, Integer::sum);
        ch.closeFuture().addListener(f -> open.computeIfPresent(client, (a, n) -> n <= 1 ? null : n - 1));
        if (now > MAX_CONNECTIONS_PER_CLIENT) {
            counters.refused(Limit.CONNECTIONS_PER_ADDRESS);
            refusals.info(
                    client,
                    "connection from {} closed: {} open from {} already",
                    ch.remoteAddress(),
                    MAX_CONNECTIONS_PER_CLIENT,
                    ClientKeys.describe(client));
            ch.close();
            return false;
        }
        return true;
    }

    /** Clients with a connection open (tests). */
    int clients() {
        return open.size();
    }
}
