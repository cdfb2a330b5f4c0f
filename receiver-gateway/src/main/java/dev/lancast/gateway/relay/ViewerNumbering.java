package dev.lancast.gateway.relay;

import dev.lancast.rtc.rtp.SequenceNumbers;

/**
 * One viewer's video sequence numbers against its relay's. A joiner is first sent the cached
 * keyframe as a primer numbered just after the relay's latest packet, and its live packets come
 * shifted by the primer's length; packets of the relay from before the join (late repairs, NACK
 * answers) are not sent to it, since their numbers would be the primer's. So no number ever
 * carries two contents under the viewer's SRTP key (the AES-GCM nonce is SSRC and packet index:
 * a second content under one nonce would give both away). Media loop only.
 */
final class ViewerNumbering {
    /**
     * Past this distance from the join no packet from before it can still arrive (the relay's
     * SRTP replay window is 1024 packets, its cache 512), so the check stops.
     */
    private static final int GUARD = 4096;

    private int offset;
    /** The relay's latest sequence number when the primer was sent; -1: no primer (or long ago). */
    private int primedAfter = -1;

    /** Takes a primer of count packets after relay packet lastRelaySeq; returns the primer's first number. */
    int primeAfter(int lastRelaySeq, int count) {
        primedAfter = lastRelaySeq;
        offset = count;
        return (lastRelaySeq + 1) & 0xFFFF;
    }

    /** This viewer's number for the relay's packet relaySeq, or -1 when it must not go to this viewer. */
    int toViewer(int relaySeq) {
        if (primedAfter >= 0) {
            int ahead = SequenceNumbers.diff(relaySeq, primedAfter);
            if (ahead <= 0) {
                return -1;
            }
            if (ahead > GUARD) {
                primedAfter = -1;
            }
        }
        return (relaySeq + offset) & 0xFFFF;
    }

    /** The relay's number for a packet the viewer NACKs, or -1 for a primer packet or one from before the join. */
    int toRelay(int viewerSeq) {
        int relaySeq = (viewerSeq - offset) & 0xFFFF;
        if (primedAfter >= 0 && SequenceNumbers.diff(relaySeq, primedAfter) <= 0) {
            return -1;
        }
        return relaySeq;
    }
}
