package dev.lancast.rtc.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;

/** Resolves the admin's interface setting (a name such as "lo" or an address such as 127.0.0.1). */
public final class Interfaces {
    private Interfaces() {}

    public static NetworkInterface resolve(String nameOrAddress) {
        try {
            NetworkInterface byName = NetworkInterface.getByName(nameOrAddress);
            if (byName != null) {
                return byName;
            }
            // Only address literals: a name here must never turn into a DNS query.
            if (isAddressLiteral(nameOrAddress)) {
                NetworkInterface byAddress = NetworkInterface.getByInetAddress(InetAddress.getByName(nameOrAddress));
                if (byAddress != null) {
                    return byAddress;
                }
            }
        } catch (SocketException | UnknownHostException e) {
            throw new IllegalArgumentException("interface '" + nameOrAddress + "': " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("interface '" + nameOrAddress + "' does not exist on this host");
    }

    /**
     * An IPv4 dotted quad (each part 0..255) or an IPv6 literal, which InetAddress parses without
     * any lookup. Anything else, "999.1.1.1" included, InetAddress would try to resolve as a name.
     */
    public static boolean isAddressLiteral(String text) {
        if (text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            for (String part : text.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return false;
                }
            }
            return true;
        }
        // With a colon, InetAddress takes the text for an IPv6 literal and never looks it up.
        return text.contains(":") && text.matches("[0-9A-Fa-f:.]+");
    }

    /** The first IPv4 address of the interface: the source address of what we send there. */
    public static InetAddress ipv4Address(NetworkInterface ni) {
        return ni.inetAddresses()
                .filter(a -> a instanceof Inet4Address)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("interface " + ni.getName() + " has no IPv4 address"));
    }
}
