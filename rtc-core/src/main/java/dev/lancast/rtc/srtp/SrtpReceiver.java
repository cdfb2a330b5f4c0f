package dev.lancast.rtc.srtp;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * Authenticates and decrypts incoming SRTP and SRTCP in place, with the RFC 3711 replay window.
 * Failures come back as negative codes (no exception, no allocation on the hot path). RTP under
 * AEAD_AES_128_GCM goes through {@link GcmRtpCipher} with lancast's own replay window and index
 * estimate (no object per packet); the other profile's RTP and all RTCP through jitsi-srtp. Used
 * by one thread at a time.
 *
 * <p>Nothing unauthenticated costs memory here: the crypto context of an SSRC seen for the first
 * time is derived for that one packet and kept only if the packet authenticates, and at most
 * {@code maxSsrcs} SSRCs (per direction) are kept. Deriving a jitsi-srtp context is the expensive
 * part (about 100 µs; the GCM RTP path derives its session keys once, at construction), so callers
 * that can name the SSRCs they expect drop the others before calling here, and callers that cannot
 * rate-limit first sightings ({@link #knowsRtp}, {@link #knowsRtcp}).
 */
public final class SrtpReceiver implements AutoCloseable {
    public static final int AUTH_FAIL = -1;
    public static final int REPLAY = -2;
    public static final int INVALID = -3;
    /** An authenticated packet of a new SSRC when {@code maxSsrcs} are kept already. */
    public static final int TOO_MANY_SSRCS = -4;
    /** SSRCs a receiver keeps unless told otherwise: a peer sends a handful. */
    public static final int DEFAULT_MAX_SSRCS = 16;

    private final SrtpContextFactory factory;
    private final Map<Long, SrtpCryptoContext> rtp = new HashMap<>();
    private final Map<Long, SrtcpCryptoContext> rtcp = new HashMap<>();
    private final PacketView view = new PacketView();
    private final int rtpOverhead;
    private final int rtcpOverhead;
    private final int replayWindow;
    private final int maxSsrcs;
    private final Map<Long, ReplayWindow> windows = new HashMap<>();
    private final RolloverCounters rocs;
    private final KnownIndexes known;
    /** The GCM profile's RTP transform; null for the other profile (jitsi-srtp contexts). */
    private final GcmRtpCipher gcm;
    /** With gcm: the authenticated SSRCs and their replay windows, scanned (a peer sends a handful). */
    private long[] gcmSsrcs = new long[0];

    private ReplayWindow[] gcmWindows = new ReplayWindow[0];

    /** A receiver with jitsi-srtp's own replay window of 64 packets (enough for one peer's path). */
    public SrtpReceiver(SrtpProfile profile, byte[] key, byte[] salt) {
        this(profile, key, salt, 64);
    }

    /**
     * A receiver whose RTP replay window covers replayWindow packets (a power of two); above 64 the
     * window is ours, checked after authentication.
     */
    public SrtpReceiver(SrtpProfile profile, byte[] key, byte[] salt, int replayWindow) {
        this(profile, key, salt, replayWindow, RolloverCounters.ZERO, DEFAULT_MAX_SSRCS);
    }

    /** As above, keeping the contexts of at most maxSsrcs authenticated SSRCs per direction. */
    public SrtpReceiver(SrtpProfile profile, byte[] key, byte[] salt, int replayWindow, int maxSsrcs) {
        this(profile, key, salt, replayWindow, RolloverCounters.ZERO, maxSsrcs);
    }

    /**
     * As above, and each SSRC's context starts at the ROC that rocs gives for the first packet
     * seen (a receiver that joins a stream mid-way, RFC 3711 3.3.1).
     */
    public SrtpReceiver(SrtpProfile profile, byte[] key, byte[] salt, int replayWindow, RolloverCounters rocs) {
        this(profile, key, salt, replayWindow, rocs, DEFAULT_MAX_SSRCS);
    }

    /** Rollover counters for new contexts, and at most maxSsrcs kept per direction. */
    public SrtpReceiver(
            SrtpProfile profile, byte[] key, byte[] salt, int replayWindow, RolloverCounters rocs, int maxSsrcs) {
        this(profile, key, salt, replayWindow, rocs, KnownIndexes.NONE, maxSsrcs);
    }

    /**
     * The full form, for a receiver that joins a stream mid-way: rollover counters for new
     * contexts, and under AEAD_AES_128_GCM a new SSRC's replay window starts at the highest index
     * {@code known} gives less the window's size. Whatever the window could still accept from the
     * known index on (a late repair, a poll that ran ahead of the packets) stays acceptable; an
     * older packet, genuine but recorded earlier under the same key, is refused as a replay.
     */
    public SrtpReceiver(
            SrtpProfile profile,
            byte[] key,
            byte[] salt,
            int replayWindow,
            RolloverCounters rocs,
            KnownIndexes known,
            int maxSsrcs) {
        if (maxSsrcs < 1) {
            throw new IllegalArgumentException("maxSsrcs must be at least 1");
        }
        this.rocs = rocs;
        this.known = known;
        SrtpPolicy rtpPolicy = profile.policy();
        if (replayWindow > 64) {
            rtpPolicy.setReceiveReplayEnabled(false);
        }
        this.factory = new SrtpContextFactory(
                false, key, salt, rtpPolicy, profile.policy(), new LoggerImpl(SrtpReceiver.class.getName()));
        this.rtpOverhead = profile.rtpOverhead();
        this.rtcpOverhead = profile.rtcpOverhead();
        this.replayWindow = replayWindow;
        this.maxSsrcs = maxSsrcs;
        this.gcm = profile == SrtpProfile.AEAD_AES_128_GCM ? new GcmRtpCipher(key, salt) : null;
    }

    public static String reason(int code) {
        return switch (code) {
            case AUTH_FAIL -> "authentication failed";
            case REPLAY -> "replayed";
            case INVALID -> "malformed";
            case TOO_MANY_SSRCS -> "too many SSRCs";
            default -> "ok";
        };
    }

    /** Whether an SRTP packet of this SSRC has authenticated here (its context is kept). */
    public boolean knowsRtp(long ssrc) {
        return gcm != null ? indexOf(gcmSsrcs, ssrc) >= 0 : rtp.containsKey(ssrc);
    }

    /** Whether an SRTCP packet of this SSRC has authenticated here (its context is kept). */
    public boolean knowsRtcp(long ssrc) {
        return rtcp.containsKey(ssrc);
    }

    /** The crypto contexts kept (RTP and RTCP): only ones of SSRCs whose packets authenticated. */
    public int contexts() {
        return rtp.size() + gcmSsrcs.length + rtcp.size();
    }

    /** Returns the plain RTP length, or AUTH_FAIL, REPLAY, INVALID or TOO_MANY_SSRCS. */
    public int unprotectRtp(byte[] buf, int off, int len) {
        if (len < 12 + rtpOverhead) {
            return INVALID;
        }
        long ssrc = SrtpSender.ssrc(buf, off + 8);
        if (gcm != null) {
            return unprotectGcm(buf, off, len, ssrc);
        }
        try {
            SrtpCryptoContext ctx = rtp.get(ssrc);
            boolean fresh = ctx == null;
            if (fresh) {
                if (rtp.size() >= maxSsrcs) {
                    return TOO_MANY_SSRCS;
                }
                ctx = factory.deriveContext((int) ssrc, rocs.rocFor(ssrc, SrtpSender.seq(buf, off)));
            }
            int n = result(ctx.reverseTransformPacket(view.set(buf, off, len), false));
            if (fresh && n >= 0) {
                rtp.put(ssrc, ctx); // a failed first packet leaves nothing behind
            }
            if (n >= 0
                    && replayWindow > 64
                    && !window(ssrc).accept(((buf[off + 2] & 0xFF) << 8) | (buf[off + 3] & 0xFF))) {
                return REPLAY;
            }
            return n;
        } catch (GeneralSecurityException | RuntimeException e) {
            return INVALID;
        }
    }

    /**
     * The packet's index is estimated around the highest authenticated one of its SSRC (for a new
     * SSRC, from rocs); its window sees it only once it authenticates, and a new SSRC is kept only
     * then, so forgeries leave nothing behind.
     */
    private int unprotectGcm(byte[] buf, int off, int len, long ssrc) {
        int seq = SrtpSender.seq(buf, off);
        int i = indexOf(gcmSsrcs, ssrc);
        long index;
        if (i >= 0) {
            index = PacketIndex.estimate(gcmWindows[i].highest(), seq);
        } else if (gcmSsrcs.length >= maxSsrcs) {
            return TOO_MANY_SSRCS;
        } else {
            index = PacketIndex.of(rocs.rocFor(ssrc, seq) & 0xFFFFFFFFL, seq);
        }
        // Authenticated before the replay check, as the relay's wide window always was: a tampered
        // copy of a packet already seen is counted as the forgery it is, not as a replay (the
        // operator's drop reasons tell the attacks apart); deciding costs a forger nothing new,
        // since any unseen index makes us decrypt too.
        int n = gcm.unprotect(buf, off, len, PacketIndex.roc(index));
        if (n == GcmRtpCipher.AUTH_FAIL) {
            return AUTH_FAIL;
        }
        if (n < 0) {
            return INVALID;
        }
        if (i < 0) {
            gcmSsrcs = Arrays.copyOf(gcmSsrcs, gcmSsrcs.length + 1);
            gcmWindows = Arrays.copyOf(gcmWindows, gcmWindows.length + 1);
            i = gcmSsrcs.length - 1;
            gcmSsrcs[i] = ssrc;
            gcmWindows[i] = newWindow(ssrc);
        }
        return gcmWindows[i].accept(index) ? n : REPLAY;
    }

    /** A GCM SSRC's first window: everything older than the known index's reach counts as seen. */
    private ReplayWindow newWindow(long ssrc) {
        int size = Math.max(64, replayWindow);
        long highest = known.highestKnown(ssrc);
        return new ReplayWindow(size, highest == PacketIndex.UNKNOWN ? -1 : Math.max(-1, highest - size));
    }

    private static int indexOf(long[] ssrcs, long ssrc) {
        for (int i = 0; i < ssrcs.length; i++) {
            if (ssrcs[i] == ssrc) {
                return i;
            }
        }
        return -1;
    }

    private ReplayWindow window(long ssrc) {
        ReplayWindow w = windows.get(ssrc);
        if (w == null) {
            w = new ReplayWindow(replayWindow);
            windows.put(ssrc, w);
        }
        return w;
    }

    public int unprotectRtcp(byte[] buf, int off, int len) {
        if (len < 8 + rtcpOverhead) {
            return INVALID;
        }
        long ssrc = SrtpSender.ssrc(buf, off + 4);
        try {
            SrtcpCryptoContext ctx = rtcp.get(ssrc);
            boolean fresh = ctx == null;
            if (fresh) {
                if (rtcp.size() >= maxSsrcs) {
                    return TOO_MANY_SSRCS;
                }
                ctx = factory.deriveControlContext((int) ssrc);
            }
            int n = result(ctx.reverseTransformPacket(view.set(buf, off, len)));
            if (fresh && n >= 0) {
                rtcp.put(ssrc, ctx);
            }
            return n;
        } catch (GeneralSecurityException | RuntimeException e) {
            return INVALID;
        }
    }

    private int result(SrtpErrorStatus status) {
        return switch (status) {
            case OK -> view.getLength();
            case AUTH_FAIL -> AUTH_FAIL;
            case REPLAY_FAIL, REPLAY_OLD -> REPLAY;
            default -> INVALID;
        };
    }

    @Override
    public void close() {
        factory.close();
    }
}
