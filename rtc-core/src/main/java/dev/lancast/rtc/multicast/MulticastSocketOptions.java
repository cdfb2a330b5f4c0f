package dev.lancast.rtc.multicast;

import dev.lancast.rtc.net.Interfaces;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.RawUnixChannelOption;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Sets the IPv4 multicast send options of a datagram socket, and reads back what the kernel kept.
 * <p>
 * Netty's epoll transport maps {@code ChannelOption.IP_MULTICAST_TTL} to {@code setsockopt(IP_TTL)}
 * (netty_epoll_linuxsocket.c, {@code setTimeToLive}), which leaves the multicast TTL at the
 * kernel's default of 1: no group packet crossed a router whatever {@code multicast.ttl} said. So
 * on epoll the TTL goes in as the raw option {@code IPPROTO_IP/IP_MULTICAST_TTL}; NIO maps the
 * channel option to {@code StandardSocketOptions.IP_MULTICAST_TTL}, which is right. The unicast
 * TTL ({@code IP_TTL}) stays the kernel's, so unicast out of the same socket is routable.
 */
public final class MulticastSocketOptions {
    // Linux <netinet/in.h>: the level and option numbers of the IPv4 options read or set here.
    private static final int IPPROTO_IP = 0;
    private static final int IP_TOS = 1;
    private static final int IP_MULTICAST_IF = 32;
    private static final int IP_MULTICAST_TTL = 33;
    private static final int IP_MULTICAST_LOOP = 34;

    private static final IntegerUnixChannelOption MULTICAST_TTL =
            new IntegerUnixChannelOption("IPPROTO_IP/IP_MULTICAST_TTL", IPPROTO_IP, IP_MULTICAST_TTL);
    private static final IntegerUnixChannelOption TOS =
            new IntegerUnixChannelOption("IPPROTO_IP/IP_TOS", IPPROTO_IP, IP_TOS);
    private static final IntegerUnixChannelOption MULTICAST_LOOP =
            new IntegerUnixChannelOption("IPPROTO_IP/IP_MULTICAST_LOOP", IPPROTO_IP, IP_MULTICAST_LOOP);
    private static final RawUnixChannelOption MULTICAST_IF =
            new RawUnixChannelOption("IPPROTO_IP/IP_MULTICAST_IF", IPPROTO_IP, IP_MULTICAST_IF, 4);

    private MulticastSocketOptions() {}

    /**
     * What a multicast send socket has, as the kernel reports it.
     *
     * @param ttl       IP_MULTICAST_TTL: the TTL group packets leave with
     * @param dscp      the DSCP in IP_TOS (its upper six bits)
     * @param iface     IP_MULTICAST_IF: the address of the interface group packets leave by
     * @param loopback  IP_MULTICAST_LOOP: whether receivers on this host get a copy
     */
    public record Settings(int ttl, int dscp, String iface, boolean loopback) {}

    /** Adds the send options to a bootstrap of {@code epoll} (EpollDatagramChannel) or NIO channels. */
    public static Bootstrap apply(Bootstrap bootstrap, boolean epoll, NetworkInterface iface, int ttl, int dscp) {
        bootstrap
                .option(ChannelOption.IP_MULTICAST_IF, iface)
                .option(ChannelOption.IP_MULTICAST_LOOP_DISABLED, false)
                .option(ChannelOption.IP_TOS, dscp << 2);
        if (epoll) {
            bootstrap.option(MULTICAST_TTL, ttl);
        } else {
            bootstrap.option(ChannelOption.IP_MULTICAST_TTL, ttl);
        }
        return bootstrap;
    }

    /** Reads the options back from the socket (getsockopt), not from what was asked for. */
    public static Settings read(DatagramChannel channel) {
        if (channel instanceof EpollDatagramChannel) {
            ByteBuffer address = channel.config().getOption(MULTICAST_IF);
            byte[] raw = new byte[4];
            address.get(raw);
            return new Settings(
                    channel.config().getOption(MULTICAST_TTL),
                    channel.config().getOption(TOS) >> 2,
                    addressOf(raw),
                    channel.config().getOption(MULTICAST_LOOP) != 0);
        }
        NetworkInterface out = channel.config().getOption(ChannelOption.IP_MULTICAST_IF);
        return new Settings(
                channel.config().getOption(ChannelOption.IP_MULTICAST_TTL),
                channel.config().getOption(ChannelOption.IP_TOS) >> 2,
                out == null ? "0.0.0.0" : Interfaces.ipv4Address(out).getHostAddress(),
                !channel.config().getOption(ChannelOption.IP_MULTICAST_LOOP_DISABLED));
    }

    private static String addressOf(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("IP_MULTICAST_IF is not 4 bytes", e);
        }
    }
}
