package dev.lancast.rtc.dtls;

import dev.lancast.rtc.srtp.SrtpProfile;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * One DTLS 1.2 association (RFC 6347) over a session's ICE path, for DTLS-SRTP (RFC 5764): the
 * peer's certificate must match the fingerprint from its SDP, and the exported keying material
 * keys SRTP. BouncyCastle's handshake blocks a thread from its first flight to its last, so it runs
 * on the given executor (see {@link HandshakeThreads}) and a server starts it only when the peer's
 * ClientHello arrives: a session whose peer never connects holds no thread, only its slot until its
 * owner expires it. Records from the event loop are queued, never waited for.
 */
public final class DtlsSession {
    private final DtlsRole role;
    private final DtlsCertificate certificate;
    private final byte[] expectedFingerprint;
    private final Executor executor;
    private final int timeoutMillis;
    private final QueueTransport transport;
    private final BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
    private final CompletableFuture<SrtpKeys> handshake = new CompletableFuture<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean handshaking = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Post-handshake work asked for (records to read, the close to send); one task serves it all. */
    private final AtomicInteger pendingWork = new AtomicInteger();

    private final AtomicBoolean closeSent = new AtomicBoolean();
    private final byte[] drainBuffer = new byte[1500];
    private volatile DTLSTransport connection;
    private volatile Runnable onClosed = () -> {};
    private volatile SrtpProfile selectedProfile;
    private volatile SrtpKeys keys;
    private final SrtpTlsPeers.Handshake hooks = new Hooks();

    public DtlsSession(
            DtlsRole role,
            DtlsCertificate certificate,
            byte[] expectedRemoteFingerprint,
            DatagramOutput out,
            Executor handshakeExecutor,
            Duration handshakeTimeout) {
        this.role = role;
        this.certificate = certificate;
        this.expectedFingerprint = expectedRemoteFingerprint.clone();
        this.executor = handshakeExecutor;
        this.timeoutMillis = (int) handshakeTimeout.toMillis();
        this.transport = new QueueTransport(out);
    }

    public CompletableFuture<SrtpKeys> handshakeFuture() {
        return handshake;
    }

    /** Called when the peer sends close_notify. */
    public void onClosed(Runnable callback) {
        this.onClosed = callback;
    }

    /**
     * A client sends its ClientHello now; a server waits for the peer's (see {@link #onPacket}), so
     * it may be started as soon as the session exists.
     */
    public void start() {
        if (started.compareAndSet(false, true) && role == DtlsRole.CLIENT) {
            beginHandshake();
        }
    }

    /** A DTLS record from the peer; copied, never blocks. */
    public void onPacket(byte[] buf, int off, int len) {
        if (closed.get()) {
            return;
        }
        if (!handshaking.get()) {
            // A server not yet handshaking keeps nothing but a ClientHello (the peer retransmits
            // it if this one is lost), and only once started.
            if (role == DtlsRole.SERVER && started.get() && isClientHello(buf, off, len)) {
                transport.offer(buf, off, len);
                beginHandshake();
            }
            return;
        }
        transport.offer(buf, off, len);
        if (connection != null) {
            // After the handshake: let BouncyCastle see retransmitted flights and alerts.
            requestWork();
        }
    }

    /** A DTLS 1.x plaintext handshake record of epoch 0 whose first message is a client_hello. */
    static boolean isClientHello(byte[] buf, int off, int len) {
        return len >= 13 + 12
                && buf[off] == 22
                && buf[off + 1] == (byte) 0xFE
                && buf[off + 3] == 0
                && buf[off + 4] == 0
                && buf[off + 13] == 1;
    }

    private void beginHandshake() {
        if (!handshaking.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(this::runHandshake);
        } catch (RejectedExecutionException e) {
            handshake.completeExceptionally(new IOException("too many DTLS handshakes in progress", e));
            transport.close();
        }
    }

    private void runHandshake() {
        try {
            DTLSTransport t = role == DtlsRole.SERVER
                    ? new DTLSServerProtocol().accept(new SrtpTlsPeers.Server(hooks), transport)
                    : new DTLSClientProtocol().connect(new SrtpTlsPeers.Client(hooks), transport);
            if (closed.get()) {
                throw new IOException("closed during the handshake");
            }
            connection = t;
            handshake.complete(keys);
            if (transport.hasPending()) {
                requestWork();
            }
        } catch (Exception e) {
            handshake.completeExceptionally(new IOException(describe(e), e));
            transport.close();
        }
    }

    /**
     * Asks for one run of {@link #serviceConnection}; requests made while it runs are served by the
     * same run, so a session never occupies more than one thread however many records arrive.
     */
    private void requestWork() {
        if (pendingWork.getAndIncrement() != 0) {
            return;
        }
        try {
            executor.execute(this::serviceConnection);
        } catch (RejectedExecutionException e) {
            // Every thread is busy: the records wait for the next request (the peer retransmits);
            // a close that cannot be sent is still a close.
            pendingWork.set(0);
            if (closed.get()) {
                transport.close();
            }
        }
    }

    private void serviceConnection() {
        int served;
        do {
            served = pendingWork.get();
            if (closed.get()) {
                sendClose();
            } else {
                drain();
            }
        } while (pendingWork.addAndGet(-served) != 0);
    }

    private synchronized void drain() {
        DTLSTransport t = connection;
        if (t == null || closed.get()) {
            return;
        }
        try {
            while (transport.hasPending()) {
                t.receive(drainBuffer, 0, drainBuffer.length, 1);
            }
        } catch (IOException e) {
            if (!closed.get()) {
                onClosed.run();
            }
        }
    }

    private synchronized void sendClose() {
        if (!closeSent.compareAndSet(false, true)) {
            return;
        }
        try {
            connection.close();
        } catch (IOException ignored) {
            // the peer may already be gone
        }
        transport.close();
    }

    /** Sends close_notify when connected; stops a handshake in progress. */
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (connection != null) {
            requestWork();
        } else {
            transport.close();
        }
        if (!handshake.isDone()) {
            handshake.completeExceptionally(new IOException("closed before the DTLS handshake completed"));
        }
    }

    /** Whether a handshake failure was the handshake timeout running out. */
    public static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TlsTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        if (e instanceof TlsFatalAlert alert) {
            return "DTLS alert " + AlertDescription.getText(alert.getAlertDescription())
                    + (alert.getMessage() != null ? ": " + alert.getMessage() : "");
        }
        if (e instanceof TlsTimeoutException) {
            return "DTLS handshake timed out";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private void checkPeer(Certificate chain) throws IOException {
        byte[] actual = DtlsCertificate.peerFingerprint(chain);
        if (actual == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "the peer sent no certificate");
        }
        if (!MessageDigest.isEqual(actual, expectedFingerprint)) {
            throw new TlsFatalAlert(
                    AlertDescription.bad_certificate,
                    "certificate fingerprint " + DtlsCertificate.formatFingerprint(actual)
                            + " does not match the SDP fingerprint "
                            + DtlsCertificate.formatFingerprint(expectedFingerprint));
        }
    }

    private void export(TlsContext context) {
        SrtpProfile profile = selectedProfile;
        byte[] material = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, SrtpKeys.exporterLength(profile));
        keys = SrtpKeys.fromExporter(profile, material, role);
    }

    private TlsCredentialedSigner signer(TlsContext context) throws IOException {
        return new BcDefaultTlsCredentialedSigner(
                new TlsCryptoParameters(context),
                crypto,
                certificate.privateKey(),
                certificate.tlsCertificate(crypto),
                SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    private void alertReceived(short description) {
        if (description == AlertDescription.close_notify && connection != null && !closed.get()) {
            onClosed.run();
        }
    }

    /** The session's side of its handshake's end. */
    private final class Hooks implements SrtpTlsPeers.Handshake {
        @Override
        public BcTlsCrypto crypto() {
            return crypto;
        }

        @Override
        public int timeoutMillis() {
            return timeoutMillis;
        }

        @Override
        public void select(SrtpProfile profile) {
            selectedProfile = profile;
        }

        @Override
        public SrtpProfile selected() {
            return selectedProfile;
        }

        @Override
        public void checkPeer(Certificate chain) throws IOException {
            DtlsSession.this.checkPeer(chain);
        }

        @Override
        public TlsCredentialedSigner signer(TlsContext context) throws IOException {
            return DtlsSession.this.signer(context);
        }

        @Override
        public void export(TlsContext context) {
            DtlsSession.this.export(context);
        }

        @Override
        public void alertReceived(short description) {
            DtlsSession.this.alertReceived(description);
        }
    }
}
