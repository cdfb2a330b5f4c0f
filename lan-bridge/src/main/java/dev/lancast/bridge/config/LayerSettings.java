package dev.lancast.bridge.config;

import dev.lancast.rtc.media.Track;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A stream's simulcast video layers (docs/architecture.md, "Layers"): each layer the broadcaster
 * sends (a RID of its offer, in the offer's order) goes to its own group, so that a gateway
 * joins only the layers its viewers need.
 *
 * @param count             layers taken from a broadcaster, 1..4; a broadcaster offering more is
 *                          answered with this many (RFC 8853), the others declined. 0: one per
 *                          group listed, else 1
 * @param groups            the groups of layers 1..count-1 (layer 0's is the stream's {@code video});
 *                          absent: derived, layer i on the video group's address + i, same port and DSCP
 * @param keyframeRefreshMs a layer that had no keyframe for this long is asked for one (within the
 *                          stream's keyframe budget), so a gateway can switch a viewer to it from its
 *                          cache at once; null: 3000, 0: never
 */
public record LayerSettings(int count, List<TrackGroup> groups, Integer keyframeRefreshMs) {
    public static final LayerSettings SINGLE = new LayerSettings(1, List.of(), 0);

    public LayerSettings {
        if (groups != null) {
            for (TrackGroup g : groups) {
                if (g == null) {
                    throw new IllegalArgumentException("groups: an entry is empty (each needs group and port)");
                }
            }
        }
        count = count == 0 ? (groups == null ? 1 : groups.size() + 1) : count;
        if (count < 1 || count > Track.MAX_LAYERS) {
            throw new IllegalArgumentException("count must be 1.." + Track.MAX_LAYERS + ", got " + count);
        }
        if (groups != null && groups.size() != count - 1) {
            throw new IllegalArgumentException("groups lists " + groups.size() + " group(s) for " + count
                    + " layers: one per layer after the first (the first layer's is the stream's video group)");
        }
        groups = groups == null ? null : List.copyOf(groups);
        keyframeRefreshMs = keyframeRefreshMs == null ? 3000 : keyframeRefreshMs;
        if (keyframeRefreshMs != 0 && (keyframeRefreshMs < 500 || keyframeRefreshMs > 60_000)) {
            throw new IllegalArgumentException(
                    "keyframeRefreshMs must be 0 (never) or 500..60000, got " + keyframeRefreshMs);
        }
    }

    /** These settings with every group filled in: listed, or derived from the video group. */
    LayerSettings derive(TrackGroup video) {
        if (groups != null) {
            return this;
        }
        List<TrackGroup> derived = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            derived.add(new TrackGroup(offset(video.group(), i), video.port(), video.dscp()));
        }
        return new LayerSettings(count, derived, count > 1 ? keyframeRefreshMs : 0);
    }

    /** An IPv4 group address plus n, checked to still be a multicast address. */
    private static String offset(String group, int n) {
        try {
            byte[] a = InetAddress.getByName(group).getAddress();
            int v = ((a[0] & 0xFF) << 24 | (a[1] & 0xFF) << 16 | (a[2] & 0xFF) << 8 | (a[3] & 0xFF)) + n;
            String next = ((v >>> 24) & 0xFF) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
            if (!InetAddress.getByName(next).isMulticastAddress()) {
                throw new IllegalArgumentException("layer " + n + "'s group, derived as " + next
                        + ", is not a multicast address: list layers.groups");
            }
            return next;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("group '" + group + "' is not an address");
        }
    }
}
