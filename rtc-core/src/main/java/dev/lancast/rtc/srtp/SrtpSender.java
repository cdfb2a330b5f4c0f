package dev.lancast.rtc.srtp;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * Protects outgoing RTP and RTCP in place. RTP under AEAD_AES_128_GCM goes through
 * {@link GcmRtpCipher} (no object per packet; the gateway runs it once per viewer per packet), the
 * other profile's RTP and all RTCP through jitsi-srtp's contexts. Per SSRC state is made on first
 * sight and found again by a scan of a small array (a sender has a few SSRCs of its own; a map
 * keyed by {@code Long} boxed one per packet). Used by one thread at a time.
 */
public final class SrtpSender implements AutoCloseable {
    private final SrtpContextFactory factory;
    /** The GCM profile's RTP transform; null for the other profile (jitsi-srtp contexts). */
    private final GcmRtpCipher gcm;
    private long[] rtpSsrcs = new long[0];
    private SrtpCryptoContext[] rtp = new SrtpCryptoContext[0];
    /** With gcm: the highest packet index sent per SSRC (RFC 3711 3.3.1), as rtpSsrcs. */
    private long[] rtpIndexes = new long[0];
    private long[] rtcpSsrcs = new long[0];
    private SrtcpCryptoContext[] rtcp = new SrtcpCryptoContext[0];
    private final PacketView view = new PacketView();
    private final RolloverCounters rocs;

    public SrtpSender(SrtpProfile profile, byte[] key, byte[] salt) {
        this(profile, key, salt, RolloverCounters.ZERO);
    }

    /** A sender whose contexts start at the ROC that rocs gives for each SSRC's first packet. */
    public SrtpSender(SrtpProfile profile, byte[] key, byte[] salt, RolloverCounters rocs) {
        this.rocs = rocs;
        // A repair (NACK) resends a packet under the index it was first sent with: the same bytes
        // again, which is safe (libwebrtc's allow_repeat_tx); jitsi-srtp's sender refuses it by default.
        // What must never happen, one index with two contents, is the relay's numbering's to prevent.
        SrtpPolicy rtpPolicy = profile.policy();
        rtpPolicy.setSendReplayEnabled(false);
        this.factory = new SrtpContextFactory(true, key, salt, rtpPolicy, profile.policy(),
                new LoggerImpl(SrtpSender.class.getName()));
        this.gcm = profile == SrtpProfile.AEAD_AES_128_GCM ? new GcmRtpCipher(key, salt) : null;
    }

    /** Returns the protected length; the array must have room for the tag after the packet. */
    public int protectRtp(byte[] buf, int off, int len) {
        if (len < 12) {
            return -1;
        }
        long ssrc = ssrc(buf, off + 8);
        if (gcm != null) {
            return protectGcm(buf, off, len, ssrc);
        }
        try {
            int i = indexOf(rtpSsrcs, ssrc);
            SrtpCryptoContext ctx;
            if (i >= 0) {
                ctx = rtp[i];
            } else {
                ctx = factory.deriveContext((int) ssrc, rocs.rocFor(ssrc, seq(buf, off)));
                rtpSsrcs = Arrays.copyOf(rtpSsrcs, rtpSsrcs.length + 1);
                rtpSsrcs[rtpSsrcs.length - 1] = ssrc;
                rtp = Arrays.copyOf(rtp, rtp.length + 1);
                rtp[rtp.length - 1] = ctx;
            }
            SrtpErrorStatus status = ctx.transformPacket(view.set(buf, off, len));
            return status == SrtpErrorStatus.OK ? view.getLength() : -1;
        } catch (GeneralSecurityException e) {
            return -1;
        }
    }

    /**
     * The index of a packet is estimated around the highest one sent, as jitsi-srtp's sender does, so
     * a retransmission of a packet from before a wrap of the sequence number keeps its old ROC.
     */
    private int protectGcm(byte[] buf, int off, int len, long ssrc) {
        int seq = seq(buf, off);
        int i = indexOf(rtpSsrcs, ssrc);
        long index;
        if (i >= 0) {
            index = PacketIndex.estimate(rtpIndexes[i], seq);
        } else {
            index = PacketIndex.of(rocs.rocFor(ssrc, seq) & 0xFFFFFFFFL, seq);
            rtpSsrcs = Arrays.copyOf(rtpSsrcs, rtpSsrcs.length + 1);
            rtpIndexes = Arrays.copyOf(rtpIndexes, rtpIndexes.length + 1);
            i = rtpSsrcs.length - 1;
            rtpSsrcs[i] = ssrc;
            rtpIndexes[i] = index;
        }
        int n = gcm.protect(buf, off, len, PacketIndex.roc(index));
        if (n >= 0 && index > rtpIndexes[i]) {
            rtpIndexes[i] = index;
        }
        return n;
    }

    public int protectRtcp(byte[] buf, int off, int len) {
        long ssrc = ssrc(buf, off + 4);
        try {
            int i = indexOf(rtcpSsrcs, ssrc);
            SrtcpCryptoContext ctx;
            if (i >= 0) {
                ctx = rtcp[i];
            } else {
                ctx = factory.deriveControlContext((int) ssrc);
                rtcpSsrcs = Arrays.copyOf(rtcpSsrcs, rtcpSsrcs.length + 1);
                rtcpSsrcs[rtcpSsrcs.length - 1] = ssrc;
                rtcp = Arrays.copyOf(rtcp, rtcp.length + 1);
                rtcp[rtcp.length - 1] = ctx;
            }
            SrtpErrorStatus status = ctx.transformPacket(view.set(buf, off, len));
            return status == SrtpErrorStatus.OK ? view.getLength() : -1;
        } catch (GeneralSecurityException e) {
            return -1;
        }
    }

    private static int indexOf(long[] ssrcs, long ssrc) {
        for (int i = 0; i < ssrcs.length; i++) {
            if (ssrcs[i] == ssrc) {
                return i;
            }
        }
        return -1;
    }

    static int seq(byte[] b, int rtpOff) {
        return ((b[rtpOff + 2] & 0xFF) << 8) | (b[rtpOff + 3] & 0xFF);
    }

    static long ssrc(byte[] b, int at) {
        return ((long) (b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    @Override
    public void close() {
        factory.close();
    }
}
