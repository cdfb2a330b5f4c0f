package dev.lancast.rtc.ice;

import dev.lancast.rtc.peer.PeerConnection;
import io.netty.channel.socket.DatagramChannel;
import java.time.Duration;

/**
 * Liveness (docs/architecture.md, "Liveness"): a session from which nothing is heard for the
 * consent timeout ends; hearing is a valid check (RFC 7675 consent), a binding indication on its
 * path (RFC 8445 11 keepalive), or SRTP/SRTCP that authenticates, since a receive-only peer such
 * as libnice sends no checks once ICE completes. One whose DTLS handshake has not completed within
 * the handshake timeout ends earlier (counted where the session is forgotten).
 */
final class ConsentWatch {
    private final Duration consentTimeout;
    private final Duration handshakeTimeout;

    ConsentWatch(Duration consentTimeout, Duration handshakeTimeout) {
        this.consentTimeout = consentTimeout;
        this.handshakeTimeout = handshakeTimeout;
    }

    /** Runs on the loop of {@code owner}, for the sessions that loop owns, as their media path does. */
    void check(Iterable<PeerConnection> sessions, DatagramChannel owner, long now) {
        long limit = consentTimeout.toNanos();
        long handshakeLimit = handshakeTimeout.toNanos();
        for (PeerConnection pc : sessions) {
            if (pc.channel() != owner) {
                continue;
            }
            if (pc.state() == PeerConnection.State.NEW && now - pc.createdNanos() > handshakeLimit) {
                pc.handshakeExpired("ICE/DTLS did not complete within " + handshakeTimeout.toSeconds() + " s");
            } else if (now - pc.lastHeardNanos(now) > limit) {
                pc.close(
                        pc.state() == PeerConnection.State.CONNECTED
                                ? "peer gone: no STUN check, keepalive or authenticated media/RTCP for "
                                        + consentTimeout.toSeconds() + " s"
                                : "ICE/DTLS did not complete within " + consentTimeout.toSeconds() + " s");
            }
        }
    }
}
