package dev.lancast.rtc.ice;

import dev.lancast.rtc.net.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The media port's sockets: on epoll one per media loop, all bound to the one port with
 * SO_REUSEPORT, so the kernel spreads peers over them by a hash of their address and port and keeps
 * each peer on one socket (Linux lets only sockets of the same user join a port's reuse group);
 * on NIO a single socket.
 */
final class SharedPort {
    /** The outbound queue per socket past which video is dropped ({@code OutboundBudget} at the gateway). */
    static final int WRITE_HIGH_WATER_MARK = 8 * 1024 * 1024;

    private static final int WRITE_LOW_WATER_MARK = 4 * 1024 * 1024;
    private static final int SOCKET_BUFFER = 4 * 1024 * 1024;

    private SharedPort() {}

    /** Binds one socket per handler, the i-th on the i-th loop of {@code loops}. */
    static List<DatagramChannel> bind(
            EventLoops loops, InetSocketAddress bindAddress, List<? extends ChannelHandler> handlers) {
        // Each socket on a loop named explicitly (the group's round robin would put two on one loop
        // if anything had registered on it before).
        List<EventLoop> each = new ArrayList<>();
        loops.group().forEach(e -> each.add((EventLoop) e));
        List<DatagramChannel> bound = new ArrayList<>();
        InetSocketAddress address = bindAddress;
        for (int i = 0; i < handlers.size(); i++) {
            Bootstrap bootstrap = new Bootstrap()
                    .group(each.get(i % each.size()))
                    .channelFactory(loops.datagramChannelFactory())
                    .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                    .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                    .option(
                            ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(WRITE_LOW_WATER_MARK, WRITE_HIGH_WATER_MARK))
                    .handler(handlers.get(i));
            if (handlers.size() > 1) {
                bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
            }
            DatagramChannel ch = (DatagramChannel)
                    bootstrap.bind(address).syncUninterruptibly().channel();
            bound.add(ch);
            // The others join the port the first one got (bindAddress may say port 0).
            address = (InetSocketAddress) ch.localAddress();
        }
        return List.copyOf(bound);
    }
}
