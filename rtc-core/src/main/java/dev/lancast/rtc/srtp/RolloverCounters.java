package dev.lancast.rtc.srtp;

/**
 * Where a new SRTP context's rollover counter comes from. A context is made at the first packet
 * of an SSRC; on a stream that has run for a while (a gateway that joins late, a key that starts
 * mid-stream) that packet's ROC is not 0, and a context made with ROC 0 authenticates nothing.
 */
@FunctionalInterface
public interface RolloverCounters {
    /** For sessions where both ends see the stream from its first packet. */
    RolloverCounters ZERO = (ssrc, seq) -> 0;

    /** The ROC of the packet with this SSRC and sequence number, the first one a new context sees. */
    int rocFor(long ssrc, int seq);
}
