package dev.lancast.rtc.peer;

import dev.lancast.rtc.dtls.SrtpKeys;
import dev.lancast.rtc.limits.TokenBucket;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.srtp.SrtpReceiver;
import dev.lancast.rtc.srtp.SrtpSender;
import java.util.function.LongSupplier;

/**
 * A session's SRTP contexts, keyed once by its DTLS handshake: decrypts in place what arrives (a
 * packet of an SSRC not seen before only within a trial budget) and encrypts a copy of what leaves
 * into one scratch buffer, counting what failed and what authenticated. Its session's event loop
 * only, like the session's media methods, so no lock; nothing allocated per packet.
 */
final class SrtpContexts {
    /** Room for the largest packet we forward plus the SRTP/SRTCP tag and index. */
    private static final int SCRATCH_SIZE = 2048;

    private final byte[] scratch = new byte[SCRATCH_SIZE];
    private final LongSupplier nanos;
    /**
     * First sightings of an SSRC (each derives a crypto context, ~100 µs) tried per second: a
     * forger on the viewer's path gets no more of this session's loop than that.
     */
    private final TokenBucket newSsrcTrials;

    private SrtpSender sender;
    private SrtpReceiver receiver;
    private long failures;
    private long packetsReceived;
    /** SRTP and SRTCP packets that authenticated. */
    private long authenticated;

    SrtpContexts(LongSupplier nanos, long createdNanos) {
        this.nanos = nanos;
        this.newSsrcTrials = new TokenBucket(10, 20, createdNanos);
    }

    /** The handshake's keys; called once, before any packet is protected or unprotected. */
    void key(SrtpKeys keys) {
        sender = new SrtpSender(keys.profile(), keys.localKey(), keys.localSalt());
        receiver = new SrtpReceiver(keys.profile(), keys.remoteKey(), keys.remoteSalt());
    }

    /** Decrypts an SRTP or SRTCP packet in place: its plain length, or -1 (counted as a failure). */
    int unprotect(boolean isRtcp, byte[] buf, int off, int len) {
        if (len < 12 || !knownOrTrial(isRtcp, RtpPacket.ssrcOf(buf, off, len))) {
            failures++;
            return -1;
        }
        int n = isRtcp ? receiver.unprotectRtcp(buf, off, len) : receiver.unprotectRtp(buf, off, len);
        if (n < 0) {
            failures++;
            return -1;
        }
        if (!isRtcp) {
            packetsReceived++;
        }
        authenticated++;
        return n;
    }

    private boolean knownOrTrial(boolean isRtcp, long ssrc) {
        return (isRtcp ? receiver.knowsRtcp(ssrc) : receiver.knowsRtp(ssrc))
                || newSsrcTrials.tryAcquire(nanos.getAsLong());
    }

    /**
     * Encrypts a copy of an RTP packet into {@link #scratch()}: its length there, or -1 when it is
     * too long. A packet whose SRTP index was sent before is not sent again ({@link SrtpSender#protectRtp}).
     */
    int protectRtp(byte[] buf, int off, int len) {
        return copyIn(buf, off, len) ? sender.protectRtp(scratch, 0, len) : -1;
    }

    /** As {@link #protectRtp}, under the index the packet was first sent with ({@link SrtpSender#reprotectRtp}). */
    int reprotectRtp(byte[] buf, int off, int len) {
        return copyIn(buf, off, len) ? sender.reprotectRtp(scratch, 0, len) : -1;
    }

    /** Encrypts a copy of an RTCP (compound) packet into {@link #scratch()}: its length there, or -1. */
    int protectRtcp(byte[] buf, int off, int len) {
        return copyIn(buf, off, len) ? sender.protectRtcp(scratch, 0, len) : -1;
    }

    /** The packet copied into the scratch buffer, with room for the SRTP tag and index; false when too long. */
    private boolean copyIn(byte[] buf, int off, int len) {
        if (len > SCRATCH_SIZE - 64) {
            return false;
        }
        System.arraycopy(buf, off, scratch, 0, len);
        return true;
    }

    /** Where the protect methods leave the encrypted packet; valid until the next of them. */
    byte[] scratch() {
        return scratch;
    }

    long failures() {
        return failures;
    }

    long packetsReceived() {
        return packetsReceived;
    }

    long authenticated() {
        return authenticated;
    }

    void close() {
        if (sender != null) {
            sender.close();
            receiver.close();
        }
    }
}
