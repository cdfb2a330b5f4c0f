package dev.lancast.rtc.srtp;

/**
 * The highest SRTP packet index of an SSRC known before a receiver has authenticated any of its
 * packets: the index the bridge publishes with its keys (as EKT, RFC 8870, carries the ROC), or
 * one seen under another key. A new replay window starts from it ({@link SrtpReceiver}) instead of
 * taking the first authenticated packet on trust: otherwise a packet recorded hours ago under the
 * current key, sent to a receiver that has just started, is accepted, and the window then lets
 * its successors in too.
 */
@FunctionalInterface
public interface KnownIndexes {
    /** Nothing known: the first authenticated packet of an SSRC starts its window (peer sessions, which see every packet). */
    KnownIndexes NONE = ssrc -> PacketIndex.UNKNOWN;

    /** The highest index known of this SSRC, or {@link PacketIndex#UNKNOWN}. */
    long highestKnown(long ssrc);
}
