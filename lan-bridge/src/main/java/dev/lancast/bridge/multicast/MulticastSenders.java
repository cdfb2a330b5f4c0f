package dev.lancast.bridge.multicast;

import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.bridge.config.StreamConfig;
import dev.lancast.bridge.config.TrackGroup;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.multicast.MulticastSender;
import dev.lancast.rtc.multicast.MulticastSocketOptions;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.net.Interfaces;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens the multicast senders of each stream's tracks with the TTL, DSCP and interface the config
 * gives them, and keeps what each socket really has (read back from the kernel) for
 * {@code /api/status}: what the status says is what goes on the wire.
 */
public final class MulticastSenders {
    /** RFC 8837: video AF41, audio EF, unless the track sets its own. */
    private static final int VIDEO_DSCP = 34;

    private static final int AUDIO_DSCP = 46;

    private final EventLoops loops;
    private final NetworkInterface defaultIface;
    /** stream name -> track ("video", "video.1" for layer 1, "audio") -> the settings of the socket opened last for it. */
    private final Map<String, Map<String, MulticastSocketOptions.Settings>> opened = new ConcurrentHashMap<>();

    public MulticastSenders(EventLoops loops, NetworkInterface defaultIface) {
        this.loops = loops;
        this.defaultIface = defaultIface;
    }

    /** A sender for each track slot of the stream (its video layers, audio), null for slots it has not. */
    public MulticastSender[] open(StreamConfig s, BridgeConfig c) {
        MulticastSender[] out = new MulticastSender[Track.SLOTS];
        opened.remove(s.name()); // a layer the config no longer has is no longer reported
        for (int layer = 0; layer < s.layers().count(); layer++) {
            out[Track.slotOf(Track.Kind.VIDEO, layer)] =
                    open(s, Track.slotLabel(layer), s.layerGroup(layer), c, VIDEO_DSCP);
        }
        out[Track.AUDIO_SLOT] = open(s, "audio", s.audio(), c, AUDIO_DSCP);
        return out;
    }

    private MulticastSender open(StreamConfig s, String track, TrackGroup group, BridgeConfig c, int defaultDscp) {
        NetworkInterface iface = s.iface() != null ? Interfaces.resolve(s.iface()) : defaultIface;
        MulticastSender sender = new MulticastSender(
                loops,
                iface,
                new InetSocketAddress(group.group(), group.port()),
                s.ttl() != null ? s.ttl() : c.multicast().ttl(),
                group.dscp() == null ? defaultDscp : group.dscp());
        opened.computeIfAbsent(s.name(), n -> new ConcurrentHashMap<>()).put(track, sender.settings());
        return sender;
    }

    /** The multicast TTL of the stream's video socket, as the kernel has it; null before one is open. */
    public Integer ttl(String stream) {
        MulticastSocketOptions.Settings video =
                opened.getOrDefault(stream, Map.of()).get("video");
        return video == null ? null : video.ttl();
    }

    /** Per track: TTL, DSCP, interface address and loopback as read back from the socket. */
    public Map<String, Object> status(String stream) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int slot = 0; slot < Track.SLOTS; slot++) {
            String track = Track.slotLabel(slot);
            MulticastSocketOptions.Settings s =
                    opened.getOrDefault(stream, Map.of()).get(track);
            if (s != null) {
                out.put(
                        track,
                        Map.of("ttl", s.ttl(), "dscp", s.dscp(), "interface", s.iface(), "loopback", s.loopback()));
            }
        }
        return out;
    }

    /** Forgets a removed stream. */
    public void forget(String stream) {
        opened.remove(stream);
    }
}
