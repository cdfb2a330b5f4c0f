package dev.lancast.bridge;

import dev.lancast.bridge.config.BridgeConfig;
import java.util.ArrayList;
import java.util.List;

/** What a reloaded config changes: pure functions of the running config and the new one. */
final class ConfigChanges {
    private ConfigChanges() {}

    /** The sections a reload cannot change (listen addresses, interface, timers): restart to apply them. */
    static List<String> restartOnly(BridgeConfig a, BridgeConfig b) {
        List<String> changed = new ArrayList<>();
        addIf(changed, !a.http().equals(b.http()), "http");
        addIf(changed, !a.media().equals(b.media()), "media");
        addIf(changed, !a.feedback().equals(b.feedback()), "feedback");
        addIf(changed, !a.multicast().iface().equals(b.multicast().iface()), "multicast.interface");
        addIf(changed, a.keys().rotateSeconds() != b.keys().rotateSeconds(), "keys.rotateSeconds");
        addIf(changed, !a.logging().equals(b.logging()), "logging");
        addIf(changed, !a.discovery().equals(b.discovery()), "discovery");
        addIf(changed, !a.limits().equals(b.limits()), "limits");
        addIf(changed, !a.relays().equals(b.relays()), "relays");
        return changed;
    }

    /** Whether the reload takes a credential from some gateway (N16: the keys it holds must be retired). */
    static boolean revokesGateways(BridgeConfig current, BridgeConfig next) {
        return current.keys().gatewayTokens().revokedIn(next.keys().gatewayTokens())
                || next.keys().gatewayAuth() == BridgeConfig.GatewayAuth.TOKEN
                        && current.keys().gatewayAuth() != BridgeConfig.GatewayAuth.TOKEN;
    }

    /** The config that runs after the reload: the reloadable sections from next, the others kept. */
    static BridgeConfig applied(BridgeConfig current, BridgeConfig next) {
        return new BridgeConfig(
                current.http(),
                current.media(),
                current.feedback(),
                new BridgeConfig.MulticastSettings(
                        current.multicast().iface(),
                        next.multicast().ttl(),
                        current.multicast().sendTimestamps()),
                next.keys(),
                next.streams(),
                current.logging(),
                current.limits(),
                current.discovery(),
                next.admin(),
                current.relays(),
                current.stateDirectory());
    }

    private static void addIf(List<String> out, boolean changed, String section) {
        if (changed) {
            out.add(section);
        }
    }
}
