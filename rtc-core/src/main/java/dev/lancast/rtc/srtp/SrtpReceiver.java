package dev.lancast.rtc.srtp;

import java.security.GeneralSecurityException;
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
 * Failures come back as negative codes (no exception, no allocation on the hot path). Used by one
 * thread at a time.
 */
public final class SrtpReceiver implements AutoCloseable {
    public static final int AUTH_FAIL = -1;
    public static final int REPLAY = -2;
    public static final int INVALID = -3;

    private final SrtpContextFactory factory;
    private final Map<Long, SrtpCryptoContext> rtp = new HashMap<>();
    private final Map<Long, SrtcpCryptoContext> rtcp = new HashMap<>();
    private final PacketView view = new PacketView();
    private final int rtpOverhead;
    private final int rtcpOverhead;
    private final int replayWindow;
    private final Map<Long, ReplayWindow> windows = new HashMap<>();
    private final RolloverCounters rocs;

    /** A receiver with jitsi-srtp's own replay window of 64 packets (enough for one peer's path). */
    public SrtpReceiver(SrtpProfile profile, byte[] key, byte[] salt) {
        this(profile, key, salt, 64);
    }

    /**
     * A receiver whose RTP replay window covers replayWindow packets (a power of two); above 64 the
     * window is ours, checked after authentication.
     */
    public SrtpReceiver(SrtpProfile profile, byte[] key, byte[] salt, int replayWindow) {
        this(profile, key, salt, replayWindow, RolloverCounters.ZERO);
    }

    /**
     * As above, and each SSRC's context starts at the ROC that rocs gives for the first packet
     * seen (a receiver that joins a stream mid-way, RFC 3711 3.3.1).
     */
    public SrtpReceiver(SrtpProfile profile, byte[] key, byte[] salt, int replayWindow, RolloverCounters rocs) {
        this.rocs = rocs;
        SrtpPolicy rtpPolicy = profile.policy();
        if (replayWindow > 64) {
            rtpPolicy.setReceiveReplayEnabled(false);
        }
        this.factory = new SrtpContextFactory(false, key, salt, rtpPolicy, profile.policy(),
                new LoggerImpl(SrtpReceiver.class.getName()));
        this.rtpOverhead = profile.rtpOverhead();
        this.rtcpOverhead = profile.rtcpOverhead();
        this.replayWindow = replayWindow;
    }

    public static String reason(int code) {
        return switch (code) {
            case AUTH_FAIL -> "authentication failed";
            case REPLAY -> "replayed";
            case INVALID -> "malformed";
            default -> "ok";
        };
    }

    /** Returns the plain RTP length, or AUTH_FAIL, REPLAY or INVALID. */
    public int unprotectRtp(byte[] buf, int off, int len) {
        if (len < 12 + rtpOverhead) {
            return INVALID;
        }
        long ssrc = SrtpSender.ssrc(buf, off + 8);
        try {
            SrtpCryptoContext ctx = rtp.get(ssrc);
            if (ctx == null) {
                ctx = factory.deriveContext((int) ssrc, rocs.rocFor(ssrc, SrtpSender.seq(buf, off)));
                rtp.put(ssrc, ctx);
            }
            int n = result(ctx.reverseTransformPacket(view.set(buf, off, len), false));
            if (n >= 0 && replayWindow > 64 && !window(ssrc).accept(((buf[off + 2] & 0xFF) << 8) | (buf[off + 3] & 0xFF))) {
                return REPLAY;
            }
            return n;
        } catch (GeneralSecurityException | RuntimeException e) {
            return INVALID;
        }
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
            if (ctx == null) {
                ctx = factory.deriveControlContext((int) ssrc);
                rtcp.put(ssrc, ctx);
            }
            return result(ctx.reverseTransformPacket(view.set(buf, off, len)));
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
