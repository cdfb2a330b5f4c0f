package dev.lancast.rtc.net;

import java.net.InetAddress;
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
                        + "' has host bits set; did you mean " + mask(network, prefixLength).getHostAddress()
                        + "/" + prefixLength + "?");
            }
        }
    }

    /** Parses CIDR notation; only address literals, never a name (no DNS). */
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
            prefix = slash < 0 ? address.getAddress().length * 8 : Integer.parseInt(text.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': the prefix length is not a number");
        }
        return new Subnet(address, prefix);
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

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }
}
