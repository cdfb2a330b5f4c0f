package dev.lancast.bridge.discovery;

import dev.lancast.rtc.discovery.GatewayInfo;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Picks the gateway a viewer should watch from: among the gateways in rotation (authenticated,
 * heartbeat not overdue, not draining) that carry the stream, those whose subnet holds the viewer's
 * address, else the nearest (longest shared address prefix); of those, the one that would be
 * least full with this viewer, counting the viewers sent there since its last heartbeat, so that
 * gateways fill in proportion to their capacity. Equals are drawn at random, not by name, so an
 * idle subnet's viewers spread over all its gateways. Full gateways are used only when none has room.
 */
public final class Portal {
    private final GatewayRegistry registry;
    private final RandomGenerator random;

    public Portal(GatewayRegistry registry, RandomGenerator random) {
        this.registry = registry;
        this.random = random;
    }

    public Optional<GatewayInfo> choose(InetAddress viewer, String stream) {
        return choose(viewer, stream, null);
    }

    /**
     * Chooses a gateway and counts the viewer as sent there.
     *
     * @param avoid the origin (scheme://host:port) of a gateway the viewer could not reach, which
     *              the registry may still list for a few seconds after a crash; null for none
     */
    public Optional<GatewayInfo> choose(InetAddress viewer, String stream, String avoid) {
        long now = registry.nowMillis();
        List<GatewayInfo> usable = registry.list().stream()
                .filter(e -> e.inRotation(now))
                .map(GatewayRegistry.Entry::info)
                .filter(g -> g.streams().contains(stream))
                .filter(g -> avoid == null || !g.url().startsWith(avoid + "/"))
                .toList();
        List<GatewayInfo> withRoom = usable.stream()
                .filter(g -> g.viewers() + registry.sentSinceBeat(g.name()) < g.capacity())
                .toList();
        List<GatewayInfo> candidates = withRoom.isEmpty() ? usable : withRoom;
        Comparator<GatewayInfo> nearness = Comparator.comparing(
                        (GatewayInfo g) -> !g.subnet().contains(viewer))
                .thenComparingInt(g -> -g.subnet().sharedPrefixBits(viewer));
        Optional<GatewayInfo> nearest = candidates.stream().min(nearness);
        if (nearest.isEmpty()) {
            return nearest;
        }
        List<GatewayInfo> best = new ArrayList<>();
        double bestFill = Double.POSITIVE_INFINITY;
        for (GatewayInfo g : candidates) {
            if (nearness.compare(g, nearest.get()) != 0) {
                continue;
            }
            double fill = fillWithOneMore(g);
            if (fill < bestFill - 1e-9) {
                best.clear();
                bestFill = fill;
            }
            if (Math.abs(fill - bestFill) <= 1e-9) {
                best.add(g);
            }
        }
        GatewayInfo chosen = best.get(random.nextInt(best.size()));
        registry.sent(chosen.name());
        return Optional.of(chosen);
    }

    private double fillWithOneMore(GatewayInfo g) {
        return (double) (g.viewers() + registry.sentSinceBeat(g.name()) + 1) / g.capacity();
    }
}
