package dev.lancast.rtc.net;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;

/** An address range in CIDR notation ("198.18.1.0/24", "fd00::/8"); a bare address is a /32 or /128. */
public record Subnet(InetAddress network, int prefixLength) {
    public Subnet {
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length must be 0.." + bits + ", got " + prefixLength);
        }
        byte[] a = network.getAddress();
        for (int i = 0; i < bits; i++) {
            if (i >= prefixLength && (a[i / 8] & (0x80 >>> (i % 8))) != 0) {
                throw new IllegalArgumentException("'" + network.getHostAddress() + "/" + prefixLength
                        + "' has host bits set; did you mean "
                        + mask(network, prefixLength).getHostAddress()
                        + "/" + prefixLength + "?");
            }
        }
    }

    /** Parses CIDR notation; only address literals, never a name (no DNS). */
    @JsonCreator
    public static Subnet parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a subnet is empty");
        }
        int slash = text.indexOf('/');
        String host = slash < 0 ? text.trim() : text.substring(0, slash).trim();
        if (!Interfaces.isAddressLiteral(host)) {
            throw new IllegalArgumentException("'" + text + "' is not a subnet such as 198.18.1.0/24");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not a subnet such as 198.18.1.0/24");
        }
        int prefix;
        try {
            prefix = slash < 0
                    ? address.getAddress().length * 8
                    : Integer.parseInt(text.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': the prefix length is not a number");
        }
        return new Subnet(address, prefix);
    }

    /** The IPv4 network the interface's first IPv4 address belongs to (e.g. lo: 127.0.0.0/8). */
    public static Subnet ofInterface(NetworkInterface ni) {
        for (InterfaceAddress a : ni.getInterfaceAddresses()) {
            if (a.getAddress() instanceof Inet4Address) {
                return new Subnet(mask(a.getAddress(), a.getNetworkPrefixLength()), a.getNetworkPrefixLength());
            }
        }
        throw new IllegalArgumentException("interface " + ni.getName() + " has no IPv4 address");
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != n[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        return rest == 0 || ((a[full] ^ n[full]) & (0xFF00 >>> rest)) == 0;
    }

    /**
     * How many leading bits the address shares with this network (capped at the prefix length):
     * the "nearest" network of several is the one sharing the most. Addresses of the other family
     * share none (-1).
     */
    public int sharedPrefixBits(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return -1;
        }
        int bits = 0;
        for (int i = 0; i < a.length && bits < prefixLength; i++) {
            int diff = (a[i] ^ n[i]) & 0xff;
            if (diff != 0) {
                bits += Integer.numberOfLeadingZeros(diff) - 24;
                break;
            }
            bits += 8;
        }
        return Math.min(bits, prefixLength);
    }

    private static InetAddress mask(InetAddress address, int prefixLength) {
        byte[] a = address.getAddress();
        for (int i = 0; i < a.length * 8; i++) {
            if (i >= prefixLength) {
                a[i / 8] &= (byte) ~(0x80 >>> (i % 8));
            }
        }
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @JsonValue
    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }
}
