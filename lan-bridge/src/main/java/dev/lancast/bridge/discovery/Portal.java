package dev.lancast.bridge.discovery;

import dev.lancast.rtc.discovery.GatewayInfo;
import java.net.InetAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Picks the gateway a viewer should watch from: among the authenticated, live gateways that
 * carry the stream and have room, one whose subnet holds the viewer's address, else the nearest
 * (longest shared address prefix); the least loaded of equals.
 */
public final class Portal {
    private final GatewayRegistry registry;

    public Portal(GatewayRegistry registry) {
        this.registry = registry;
    }

    public Optional<GatewayInfo> choose(InetAddress viewer, String stream) {
        return choose(viewer, stream, null);
    }

    /**
     * @param avoid the origin (scheme://host:port) of a gateway the viewer could not reach, which
     *              the registry may still list for a few seconds after a crash; null for none
     */
    public Optional<GatewayInfo> choose(InetAddress viewer, String stream, String avoid) {
        List<GatewayInfo> usable = registry.list().stream()
                .filter(GatewayRegistry.Entry::authenticated)
                .map(GatewayRegistry.Entry::info)
                .filter(g -> g.streams().contains(stream))
                .filter(g -> avoid == null || !g.url().startsWith(avoid + "/"))
                .toList();
        List<GatewayInfo> withRoom = usable.stream().filter(g -> g.viewers() < g.capacity()).toList();
        List<GatewayInfo> candidates = withRoom.isEmpty() ? usable : withRoom;
        return candidates.stream().min(Comparator
                .comparing((GatewayInfo g) -> !g.subnet().contains(viewer))
                .thenComparingInt(g -> -g.subnet().sharedPrefixBits(viewer))
                .thenComparingDouble(GatewayInfo::load)
                .thenComparing(GatewayInfo::name));
    }
}
