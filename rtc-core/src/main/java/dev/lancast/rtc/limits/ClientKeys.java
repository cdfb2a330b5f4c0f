package dev.lancast.rtc.limits;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * What a per-client limit counts by. A host with IPv6 usually owns a whole /64 (privacy
 * addresses, RFC 8981, and anyone on the link can pick more), so per-address limits are per /64
 * there; an IPv4 host has one address. Budgets that spoofed sources can fill count whole networks
 * (a /24 of IPv4, a /64 of IPv6), so that one host cannot multiply them by choosing source
 * addresses.
 */
public final class ClientKeys {
    /** IPv4 keys sit in ff00::/8 of the IPv6 /64 space, a multicast prefix that no source address has. */
    private static final long IPV4_HOST = 0xFFFF_FFFF_0000_0000L;

    private static final long IPV4_NETWORK = 0xFFFF_FFFE_0000_0000L;

    private ClientKeys() {}

    /** The client an address belongs to: an IPv4 address itself, an IPv6 address's /64 (host part zero). */
    public static InetAddress host(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address;
        }
        byte[] bytes = address.getAddress();
        Arrays.fill(bytes, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes are always an address
        }
    }

    /** {@link #host} as a number: the IPv4 address, or the IPv6 /64 prefix. */
    public static long hostKey(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 ? IPV4_HOST | ipv4(b) : prefix64(b);
    }

    /** The network of an address as a number: its IPv4 /24, or its IPv6 /64. */
    public static long networkKey(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 ? IPV4_NETWORK | ipv4(b) >>> 8 : prefix64(b);
    }

    /** How a client is named in a refusal: "192.0.2.7", or "2001:db8:1:2::/64". */
    public static String describe(InetAddress address) {
        InetAddress host = host(address);
        return host instanceof Inet4Address ? host.getHostAddress() : host.getHostAddress() + "/64";
    }

    private static long ipv4(byte[] b) {
        return (b[0] & 0xFFL) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    private static long prefix64(byte[] b) {
        long p = 0;
        for (int i = 0; i < 8; i++) {
            p = p << 8 | (b[i] & 0xFF);
        }
        return p;
    }
}
