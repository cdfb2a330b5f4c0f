package dev.lancast.rtc.ice;

import dev.lancast.rtc.limits.ClientKeys;
import dev.lancast.rtc.limits.SourceBudgets;
import java.net.InetAddress;

/**
 * Which STUN packets from addresses without a session path one socket looks at (parses, computes
 * the HMAC of), before anything authenticates them. Two tables of per-source budgets, neither of
 * which refuses a source for being new ({@link SourceBudgets} evicts the least recent source when
 * full):
 * <ul>
 * <li>clients whose offer this process answered lately (the WHIP/WHEP POST knows their address),
 *   each with a budget of its own, which no flood from other sources shares or pushes out;</li>
 * <li>everyone else, by network (an IPv4 /24, an IPv6 /64), so that choosing source addresses
 *   does not multiply a host's budget.</li>
 * </ul>
 * A flood from spoofed sources therefore neither locks new viewers out (the first design refused
 * every new address once 4096 sources had been heard within 10 s) nor costs more than a few array
 * reads per packet. Loop-confined: one per socket.
 */
final class StunAdmission {
    private final SourceBudgets answered;
    private final SourceBudgets networks;

    /**
     * @param perSecond     checks per second (and burst) of one client or network
     * @param networks      networks with a budget at once
     * @param answeredHosts clients with an answered offer remembered at once
     */
    StunAdmission(int perSecond, int networks, int answeredHosts) {
        this.answered = new SourceBudgets(answeredHosts, perSecond, perSecond);
        this.networks = new SourceBudgets(networks, perSecond, perSecond);
    }

    /** An offer from this client was answered: its checks have a budget of their own from now on. */
    void answered(InetAddress client, long nowNanos) {
        answered.add(ClientKeys.hostKey(client), nowNanos);
    }

    /** Whether a STUN packet from this source (no session path) fits its budget; if so it is counted. */
    boolean admit(InetAddress source, long nowNanos) {
        long host = ClientKeys.hostKey(source);
        if (answered.knows(host)) {
            return answered.tryAcquire(host, nowNanos);
        }
        return networks.tryAcquire(ClientKeys.networkKey(source), nowNanos);
    }
}
