package dev.lancast.bridge.config;

import dev.lancast.rtc.net.Interfaces;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The multicast group and port one track of a stream is sent to.
 *
 * @param dscp DiffServ code point: AF41 (34) for video, EF (46) for audio by RFC 8837
 */
public record TrackGroup(String group, int port, Integer dscp) {
    public TrackGroup {
        if (group == null) {
            throw new IllegalArgumentException("group is required");
        }
        if (!Interfaces.isAddressLiteral(group)) {
            throw new IllegalArgumentException("group '" + group + "' is not an IPv4 address");
        }
        try {
            if (!InetAddress.getByName(group).isMulticastAddress()) {
                throw new IllegalArgumentException(group + " is not a multicast address (use 239.255.0.0/16)");
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("group '" + group + "' is not an address");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
        if (dscp != null && (dscp < 0 || dscp > 63)) {
            throw new IllegalArgumentException("dscp must be 0..63, got " + dscp);
        }
    }
}
