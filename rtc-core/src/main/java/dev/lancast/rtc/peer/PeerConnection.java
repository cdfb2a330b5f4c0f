package dev.lancast.rtc.peer;

import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.dtls.DtlsRole;
import dev.lancast.rtc.dtls.DtlsSession;
import dev.lancast.rtc.dtls.SrtpKeys;
import dev.lancast.rtc.ice.IceClient;
import dev.lancast.rtc.ice.IceCredentials;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.srtp.SrtpSender;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebRTC transport: the ICE path chosen for it, its DTLS association and the SRTP contexts
 * keyed from it. All sessions of a process share one UDP port (one socket per media loop); the ICE
 * layer routes this session's datagrams here. A session starts on the port's first socket and is
 * bound, by its first valid ICE check, to the socket (and so the loop) that check reached; its
 * media methods run on that loop only, so SRTP state needs no lock.
 */
public final class PeerConnection implements IceClient.Peer {
    private static final Logger LOG = LoggerFactory.getLogger(PeerConnection.class);

    public enum State {
        NEW,
        CONNECTED,
        CLOSED
    }

    /** Receives decrypted media; buffers are only valid during the call. */
    public interface Listener {
        default void onConnected(PeerConnection pc) {}

        void onRtp(PeerConnection pc, byte[] buf, int off, int len);

        void onRtcp(PeerConnection pc, byte[] buf, int off, int len);

        default void onClosed(PeerConnection pc, String reason) {}

        /** This listener, with {@code hook} run after its own onClosed (to forget the session, say). */
        default Listener thenOnClose(Consumer<PeerConnection> hook) {
            return new ClosingListener(this, hook);
        }
    }

    private final String id;
    /** Replaced together by an ICE restart (RFC 9725 4.3.2); DTLS and SRTP carry on. */
    private volatile IceCredentials localIce;

    private volatile IceCredentials remoteIce;
    /** The socket this session sends on, and whose loop runs it; fixed by the first valid check. */
    private volatile DatagramChannel channel;
    /** Set once: two checks of one peer on two paths may reach two sockets (two loops) at once. */
    private final AtomicBoolean channelBound = new AtomicBoolean();

    private final DtlsSession dtls;
    private final Listener listener;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final OutboundDatagrams datagrams = new OutboundDatagrams();
    private final LongSupplier nanos;
    private final long createdNanos;
    private volatile InetSocketAddress remoteAddress;
    private volatile State state = State.NEW;
    private volatile long lastConsentNanos;
    private volatile Runnable closeHook = () -> {};
    private volatile boolean dtlsFailed;
    private volatile boolean handshakeTimedOut;
    /** Keyed by the handshake; event loop only. */
    private final SrtpContexts srtp;
    /** The authenticated packets {@link #lastHeardNanos} saw last; event loop only, like the SRTP state. */
    private long authenticatedSeen;

    public PeerConnection(
            String id,
            IceCredentials localIce,
            IceCredentials remoteIce,
            DtlsRole role,
            DtlsCertificate certificate,
            byte[] remoteFingerprint,
            DatagramChannel channel,
            Executor dtlsExecutor,
            Duration handshakeTimeout,
            Listener listener,
            LongSupplier nanos) {
        this.id = id;
        this.nanos = nanos;
        this.createdNanos = nanos.getAsLong();
        this.lastConsentNanos = createdNanos;
        this.srtp = new SrtpContexts(nanos, createdNanos);
        this.localIce = localIce;
        this.remoteIce = remoteIce;
        this.channel = channel;
        this.listener = listener;
        this.dtls =
                new DtlsSession(role, certificate, remoteFingerprint, this::sendDtls, dtlsExecutor, handshakeTimeout);
        dtls.onClosed(() -> close("peer sent DTLS close_notify"));
        // The loop the session is bound to by then (this.channel, not the constructor's first socket).
        dtls.handshakeFuture()
                .whenComplete((keys, error) -> eventLoop().execute(() -> {
                    if (error != null) {
                        dtlsFailed = true;
                        handshakeTimedOut |= DtlsSession.isTimeout(error);
                        close("DTLS handshake failed: " + rootMessage(error));
                    } else {
                        onKeys(keys);
                    }
                }));
    }

    public String id() {
        return id;
    }

    public IceCredentials localIce() {
        return localIce;
    }

    public IceCredentials remoteIce() {
        return remoteIce;
    }

    public State state() {
        return state;
    }

    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /** The socket of the shared port this session uses. */
    public DatagramChannel channel() {
        return channel;
    }

    /**
     * Binds the session to the socket its first valid ICE check arrived on (called by the owner of
     * the port, on that socket's loop, before {@link #onIcePath}); later calls change nothing, so
     * SRTP state and timers never move between loops.
     */
    public void bindChannel(DatagramChannel via) {
        if (channelBound.compareAndSet(false, true)) {
            channel = via;
        }
    }

    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    public long createdNanos() {
        return createdNanos;
    }

    public long lastConsentNanos() {
        return lastConsentNanos;
    }

    /**
     * When we last heard from the peer (docs/architecture.md, "Liveness"): a valid STUN check, a
     * binding indication on its path, or an SRTP/SRTCP packet that authenticated, which a
     * receive-only peer (GStreamer's libnice sends no checks once ICE completes) or a viewer that
     * only sends RTCP shows by. Packets are counted, not timed, so the media path pays one
     * increment; the caller polls with its clock. Event loop only.
     */
    public long lastHeardNanos(long nowNanos) {
        long authenticated = srtp.authenticated();
        if (authenticated != authenticatedSeen) {
            authenticatedSeen = authenticated;
            lastConsentNanos = nowNanos;
        }
        return lastConsentNanos;
    }

    /** A STUN binding indication (RFC 8445 11 keepalive) arrived on this session's path. */
    public void onKeepalive(long nowNanos) {
        lastConsentNanos = nowNanos;
    }

    public long srtpFailures() {
        return srtp.failures();
    }

    public long packetsReceived() {
        return srtp.packetsReceived();
    }

    /** Set by the owner of the shared port to forget this session's routes when it closes. */
    public void closeHook(Runnable hook) {
        this.closeHook = hook;
    }

    /** Starts the DTLS handshake; a server may start before ICE completes: it waits for the ClientHello. */
    public void startDtls() {
        dtls.start();
    }

    /**
     * An ICE restart: checks must now use these credentials; the current path carries media until a
     * check on the new credentials nominates another. Called by the owner of the shared port, which
     * routes the new ufrag here first.
     */
    public void restartIce(IceCredentials local, IceCredentials remote) {
        this.localIce = local;
        this.remoteIce = remote;
        LOG.info("session {}: ICE restart", SessionIds.forLog(id));
    }

    /** ICE saw a valid check (or a response to ours) from this address; it becomes the path. */
    @Override
    public void onIcePath(InetSocketAddress from, boolean nominate) {
        lastConsentNanos = nanos.getAsLong();
        if (remoteAddress == null || nominate) {
            if (!from.equals(remoteAddress)) {
                LOG.debug("session {}: ICE path {}", SessionIds.forLog(id), from);
            }
            remoteAddress = from;
        }
    }

    /** A non-STUN datagram from this session's path: DTLS, SRTP or SRTCP (RFC 7983 demultiplexing). */
    @Override
    public void onDatagram(byte[] buf, int off, int len) {
        int first = buf[off] & 0xFF;
        if (first >= 20 && first <= 63) {
            dtls.onPacket(buf, off, len);
        } else if (first >= 128 && first <= 191) {
            onSrtp(buf, off, len);
        }
    }

    private void onSrtp(byte[] buf, int off, int len) {
        if (state != State.CONNECTED) {
            return;
        }
        boolean isRtcp = RtpPacket.isRtcp(buf, off, len);
        int n = srtp.unprotect(isRtcp, buf, off, len);
        if (n < 0) {
            return;
        }
        if (isRtcp) {
            listener.onRtcp(this, buf, off, n);
        } else {
            listener.onRtp(this, buf, off, n);
        }
    }

    /**
     * Encrypts and queues one RTP packet; call {@link #flush()} after a batch. A packet whose SRTP
     * index was sent before is not sent again ({@link SrtpSender#protectRtp}). Event loop only.
     */
    public void writeRtp(byte[] buf, int off, int len) {
        assert channel.eventLoop().inEventLoop() : "session " + id + " written off its event loop";
        if (state != State.CONNECTED) {
            return;
        }
        write(srtp.protectRtp(buf, off, len));
    }

    /**
     * Sends again the very bytes of an RTP packet sent before, under its SRTP index (a NACK answered
     * from a cache of what this session was sent): {@link SrtpSender#reprotectRtp}. Event loop only.
     */
    public void writeRtpAgain(byte[] buf, int off, int len) {
        assert channel.eventLoop().inEventLoop() : "session " + id + " written off its event loop";
        if (state != State.CONNECTED) {
            return;
        }
        write(srtp.reprotectRtp(buf, off, len));
    }

    /** Encrypts and queues one RTCP (compound) packet. Event loop only. */
    public void writeRtcp(byte[] buf, int off, int len) {
        assert channel.eventLoop().inEventLoop() : "session " + id + " written off its event loop";
        if (state != State.CONNECTED) {
            return;
        }
        write(srtp.protectRtcp(buf, off, len));
    }

    public void flush() {
        channel.flush();
    }

    /** Sends what the SRTP contexts just protected into their scratch (nothing for a length of -1). */
    private void write(int len) {
        InetSocketAddress to = remoteAddress;
        if (to == null || len <= 0) {
            return;
        }
        datagrams.write(channel, to, srtp.scratch(), len);
    }

    private void sendDtls(byte[] buf, int off, int len) {
        InetSocketAddress to = remoteAddress;
        if (to == null || closed.get()) {
            return;
        }
        ByteBuf out = channel.alloc().directBuffer(len);
        out.writeBytes(buf, off, len);
        channel.writeAndFlush(new DatagramPacket(out, to), channel.voidPromise());
    }

    /**
     * The handshake's keys arrived: the session carries media from now on. Event loop only.
     * Package-private, not private, so that the JMH fan-out benchmark (bench/jmh) can key sessions
     * without a handshake.
     */
    void onKeys(SrtpKeys keys) {
        if (closed.get()) {
            return;
        }
        srtp.key(keys);
        state = State.CONNECTED;
        LOG.info("session {}: connected via {} ({})", SessionIds.forLog(id), remoteAddress, keys.profile());
        listener.onConnected(this);
    }

    /** Ends the session once; safe from any thread. */
    public void close(String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        state = State.CLOSED;
        LOG.info("session {}: closed ({})", SessionIds.forLog(id), reason);
        dtls.close();
        closeHook.run();
        channel.eventLoop().execute(() -> {
            srtp.close();
            datagrams.release();
        });
        listener.onClosed(this, reason);
    }

    /** Ends a session whose handshake took longer than the owner allows. */
    public void handshakeExpired(String reason) {
        if (state == State.NEW) {
            handshakeTimedOut = true;
        }
        close(reason);
    }

    /** Whether the session ended because its DTLS handshake did not complete in time. */
    public boolean handshakeTimedOut() {
        return handshakeTimedOut;
    }

    /** Whether the session ended because its DTLS handshake failed (bad fingerprint, timeout, alert). */
    public boolean dtlsFailed() {
        return dtlsFailed;
    }

    public boolean isClosed() {
        return closed.get();
    }

    private static String rootMessage(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
