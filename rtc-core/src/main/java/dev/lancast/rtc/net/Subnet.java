package dev.lancast.rtc.net;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation ("198.18.1.0/24"). Parsing never looks a name up:
 * only address literals are accepted.
 */
public record Subnet(byte[] network, int prefixLength) {
    public Subnet {
        if (network.length != 4 && network.length != 16) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address");
        }
        if (prefixLength < 0 || prefixLength > network.length * 8) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is out of range 0.."
                    + network.length * 8);
        }
        network = mask(network, prefixLength);
    }

    @JsonCreator
    public static Subnet parse(String cidr) {
        int slash = cidr == null ? -1 : cidr.indexOf('/');
        if (slash <= 0 || slash == cidr.length() - 1) {
            throw new IllegalArgumentException("expected a subnet such as 198.18.1.0/24, got '" + cidr + "'");
        }
        String address = cidr.substring(0, slash);
        if (!Interfaces.isAddressLiteral(address)) {
            throw new IllegalArgumentException("'" + address + "' in '" + cidr + "' is not an IP address");
        }
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("prefix length in '" + cidr + "' is not a number");
        }
        try {
            return new Subnet(InetAddress.getByName(address).getAddress(), prefix);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + address + "' is not an IP address", e);
        }
    }

    /** The IPv4 network the interface's first IPv4 address belongs to (e.g. lo: 127.0.0.0/8). */
    public static Subnet ofInterface(NetworkInterface ni) {
        for (InterfaceAddress a : ni.getInterfaceAddresses()) {
            if (a.getAddress() instanceof java.net.Inet4Address) {
                return new Subnet(a.getAddress().getAddress(), a.getNetworkPrefixLength());
            }
        }
        throw new IllegalArgumentException("interface " + ni.getName() + " has no IPv4 address");
    }

    public boolean contains(InetAddress address) {
        byte[] raw = address.getAddress();
        return raw.length == network.length && Arrays.equals(mask(raw, prefixLength), network);
    }

    /**
     * How many leading bits the address shares with this network (capped at the prefix length):
     * the "nearest" network of several is the one sharing the most. Addresses of the other family
     * share none.
     */
    public int sharedPrefixBits(InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length != network.length) {
            return -1;
        }
        int bits = 0;
        for (int i = 0; i < raw.length && bits < prefixLength; i++) {
            int diff = (raw[i] ^ network[i]) & 0xff;
            if (diff != 0) {
                bits += Integer.numberOfLeadingZeros(diff) - 24;
                break;
            }
            bits += 8;
        }
        return Math.min(bits, prefixLength);
    }

    private static byte[] mask(byte[] address, int prefixLength) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    @JsonValue
    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Subnet s && s.prefixLength == prefixLength && Arrays.equals(s.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixLength;
    }
}
