package dev.lancast.gateway.relay;

import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.multicast.GroupWireFormat;
import dev.lancast.rtc.rtp.RtpPacket;
import io.netty.util.collection.LongObjectHashMap;
import java.net.InetSocketAddress;

/**
 * What the bridge sends a gateway by unicast (repairs from its cache, and later relayed copies of
 * the groups) goes to the relay of the stream whose SSRC the datagram carries, as if it came from
 * the group: a lookup by SSRC (a primitive map, no allocation per datagram), kept up to date by the
 * relays as their plans change. One media loop (the relays' and the feedback socket's).
 */
public final class RepairRouter {
    private final LongObjectHashMap<StreamRelay> bySsrc = new LongObjectHashMap<>();

    /** The SSRCs of a relay's plan from now on (those of its previous plan go). */
    void use(StreamRelay relay, RelayPlan previous, RelayPlan next) {
        for (int slot = 0; slot < Track.SLOTS; slot++) {
            Track before = previous.track(slot);
            if (before != null && bySsrc.get(before.ssrc()) == relay) {
                bySsrc.remove(before.ssrc());
            }
        }
        for (int slot = 0; slot < Track.SLOTS; slot++) {
            Track after = next.track(slot);
            if (after != null) {
                bySsrc.put(after.ssrc(), relay);
            }
        }
    }

    /** A relay that closed: its SSRCs route nowhere. */
    void forget(StreamRelay relay) {
        bySsrc.values().removeIf(r -> r == relay);
    }

    /** A datagram from the bridge's feedback port, to its stream's relay; dropped when no relay has its SSRC. */
    public void onDatagram(byte[] buf, int off, int len, InetSocketAddress from) {
        int header = GroupWireFormat.HEADER_LENGTH;
        if (len <= header) {
            return;
        }
        StreamRelay relay = bySsrc.get(RtpPacket.ssrcOf(buf, off + header, len - header));
        if (relay != null) {
            relay.onUnicastDatagram(buf, off, len, from);
        }
    }
}
