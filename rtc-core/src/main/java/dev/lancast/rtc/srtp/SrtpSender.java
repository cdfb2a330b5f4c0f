package dev.lancast.rtc.srtp;

import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * Protects outgoing RTP and RTCP in place (jitsi-srtp). One context per SSRC, made on first
 * sight; after that no allocation per packet. Used by one thread at a time.
 */
public final class SrtpSender implements AutoCloseable {
    private final SrtpContextFactory factory;
    private final Map<Long, SrtpCryptoContext> rtp = new HashMap<>();
    private final Map<Long, SrtcpCryptoContext> rtcp = new HashMap<>();
    private final PacketView view = new PacketView();
    private final RolloverCounters rocs;

    public SrtpSender(SrtpProfile profile, byte[] key, byte[] salt) {
        this(profile, key, salt, RolloverCounters.ZERO);
    }

    /** A sender whose contexts start at the ROC that rocs gives for each SSRC's first packet. */
    public SrtpSender(SrtpProfile profile, byte[] key, byte[] salt, RolloverCounters rocs) {
        this.rocs = rocs;
        this.factory = new SrtpContextFactory(true, key, salt, profile.policy(), profile.policy(),
                new LoggerImpl(SrtpSender.class.getName()));
    }

    /** Returns the protected length; the array must have room for the tag after the packet. */
    public int protectRtp(byte[] buf, int off, int len) {
        long ssrc = ssrc(buf, off + 8);
        try {
            SrtpCryptoContext ctx = rtp.get(ssrc);
            if (ctx == null) {
                ctx = factory.deriveContext((int) ssrc, rocs.rocFor(ssrc, seq(buf, off)));
                rtp.put(ssrc, ctx);
            }
            SrtpErrorStatus status = ctx.transformPacket(view.set(buf, off, len));
            return status == SrtpErrorStatus.OK ? view.getLength() : -1;
        } catch (GeneralSecurityException e) {
            return -1;
        }
    }

    public int protectRtcp(byte[] buf, int off, int len) {
        long ssrc = ssrc(buf, off + 4);
        try {
            SrtcpCryptoContext ctx = rtcp.get(ssrc);
            if (ctx == null) {
                ctx = factory.deriveControlContext((int) ssrc);
                rtcp.put(ssrc, ctx);
            }
            SrtpErrorStatus status = ctx.transformPacket(view.set(buf, off, len));
            return status == SrtpErrorStatus.OK ? view.getLength() : -1;
        } catch (GeneralSecurityException e) {
            return -1;
        }
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
