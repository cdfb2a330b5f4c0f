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
 *
 * <p>An RTP packet index is protected once: the key stream (AES-CM) or nonce (AES-GCM) is the
 * SSRC and index, so a second content under one index would give both away, and under GCM the
 * authentication key with them. {@link #protectRtp} refuses ({@link #REFUSED}) an index it has
 * protected already or one older than its window of {@value #SENT_WINDOW}; the senders' numbering is
 * meant to prevent it, this makes it a check (a reordered packet after a rebase, an upstream
 * duplicate). A repair that sends the very bytes of an earlier packet again under its index (same
 * content, same ciphertext) says so: {@link #reprotectRtp}.
 */
public final class SrtpSender implements AutoCloseable {
    private final SrtpContextFactory factory;
    /** The GCM profile's RTP transform; null for the other profile (jitsi-srtp contexts). */
    private final GcmRtpCipher gcm;
    /** What {@link #protectRtp} returns for an index already protected, or too old to tell. */
    public static final int REFUSED = -2;
    /** RTP indexes remembered per SSRC: a packet older than this many behind the newest is refused. */
    static final int SENT_WINDOW = 1024;

    private long[] rtpSsrcs = new long[0];
    /** Without gcm: jitsi-srtp's context per SSRC, as rtpSsrcs. */
    private SrtpCryptoContext[] rtp = new SrtpCryptoContext[0];
    /** The highest packet index sent per SSRC (RFC 3711 3.3.1), as rtpSsrcs. */
    private long[] rtpIndexes = new long[0];
    /** The indexes protected per SSRC, as rtpSsrcs. */
    private ReplayWindow[] rtpSent = new ReplayWindow[0];

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
        this.factory = new SrtpContextFactory(
                true, key, salt, rtpPolicy, profile.policy(), new LoggerImpl(SrtpSender.class.getName()));
        this.gcm = profile == SrtpProfile.AEAD_AES_128_GCM ? new GcmRtpCipher(key, salt) : null;
    }

    /**
     * Returns the protected length (the array must have room for the tag after the packet), -1 on
     * failure, or {@link #REFUSED} for an index protected before or too old to tell.
     */
    public int protectRtp(byte[] buf, int off, int len) {
        return protect(buf, off, len, true);
    }

    /**
     * Protects bytes identical to a packet protected before under the same index (a NACK answered
     * from a cache of what was sent): the same content gives the same ciphertext, so nothing is
     * given away. The caller vouches for the bytes; anything else goes through {@link #protectRtp}.
     */
    public int reprotectRtp(byte[] buf, int off, int len) {
        return protect(buf, off, len, false);
    }

    private int protect(byte[] buf, int off, int len, boolean firstTime) {
        if (len < 12) {
            return -1;
        }
        long ssrc = ssrc(buf, off + 8);
        int seq = seq(buf, off);
        int i = indexOf(rtpSsrcs, ssrc);
        if (i < 0) {
            try {
                i = add(ssrc, seq);
            } catch (GeneralSecurityException e) {
                return -1;
            }
        }
        // Estimated around the highest index sent, as jitsi-srtp's sender does, so a retransmission of
        // a packet from before a wrap of the sequence number keeps its old ROC.
        long index = PacketIndex.estimate(rtpIndexes[i], seq);
        if (firstTime && !rtpSent[i].accept(index)) {
            return REFUSED;
        }
        int n = gcm != null ? gcm.protect(buf, off, len, PacketIndex.roc(index)) : protectCm(i, buf, off, len);
        if (n >= 0 && index > rtpIndexes[i]) {
            rtpIndexes[i] = index;
        }
        return n;
    }

    /** A new SSRC's state: its first packet's index starts at the ROC rocs gives. */
    private int add(long ssrc, int seq) throws GeneralSecurityException {
        int i = rtpSsrcs.length;
        long first = PacketIndex.of(rocs.rocFor(ssrc, seq) & 0xFFFFFFFFL, seq);
        SrtpCryptoContext context =
                gcm == null ? factory.deriveContext((int) ssrc, (int) PacketIndex.roc(first)) : null;
        rtpSsrcs = Arrays.copyOf(rtpSsrcs, i + 1);
        rtpIndexes = Arrays.copyOf(rtpIndexes, i + 1);
        rtpSent = Arrays.copyOf(rtpSent, i + 1);
        rtpSsrcs[i] = ssrc;
        rtpIndexes[i] = first;
        rtpSent[i] = new ReplayWindow(SENT_WINDOW);
        rtp = Arrays.copyOf(rtp, i + 1);
        rtp[i] = context;
        return i;
    }

    private int protectCm(int i, byte[] buf, int off, int len) {
        try {
            SrtpErrorStatus status = rtp[i].transformPacket(view.set(buf, off, len));
            return status == SrtpErrorStatus.OK ? view.getLength() : -1;
        } catch (GeneralSecurityException e) {
            return -1;
        }
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
        return ((long) (b[at] & 0xFF) << 24)
                | ((b[at + 1] & 0xFF) << 16)
                | ((b[at + 2] & 0xFF) << 8)
                | (b[at + 3] & 0xFF);
    }

    @Override
    public void close() {
        factory.close();
    }
}
