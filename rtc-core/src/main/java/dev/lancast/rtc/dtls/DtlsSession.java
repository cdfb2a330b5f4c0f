package dev.lancast.rtc.dtls;

import dev.lancast.rtc.srtp.SrtpProfile;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Hashtable;
import java.util.Vector;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
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
    private static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    };
    private static final int[] SRTP_PROFILES = {
        SrtpProfile.AEAD_AES_128_GCM.id(), SrtpProfile.AES128_CM_HMAC_SHA1_80.id(),
    };

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
    private volatile Runnable onClosed = () -> { };
    private volatile SrtpProfile selectedProfile;
    private volatile SrtpKeys keys;

    public DtlsSession(DtlsRole role, DtlsCertificate certificate, byte[] expectedRemoteFingerprint, DatagramOutput out,
                       Executor handshakeExecutor, Duration handshakeTimeout) {
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
        return len >= 13 + 12 && buf[off] == 22 && buf[off + 1] == (byte) 0xFE
                && buf[off + 3] == 0 && buf[off + 4] == 0 && buf[off + 13] == 1;
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
                    ? new DTLSServerProtocol().accept(new Server(), transport)
                    : new DTLSClientProtocol().connect(new Client(), transport);
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
            if (t instanceof org.bouncycastle.tls.TlsTimeoutException) {
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
        if (e instanceof org.bouncycastle.tls.TlsTimeoutException) {
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
            throw new TlsFatalAlert(AlertDescription.bad_certificate,
                    "certificate fingerprint " + DtlsCertificate.formatFingerprint(actual)
                            + " does not match the SDP fingerprint " + DtlsCertificate.formatFingerprint(expectedFingerprint));
        }
    }

    private void export(TlsContext context) {
        SrtpProfile profile = selectedProfile;
        byte[] material = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, SrtpKeys.exporterLength(profile));
        keys = SrtpKeys.fromExporter(profile, material, role);
    }

    private TlsCredentialedSigner signer(TlsContext context) throws IOException {
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, certificate.privateKey(),
                certificate.tlsCertificate(crypto),
                SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    private void alertReceived(short description) {
        if (description == AlertDescription.close_notify && connection != null && !closed.get()) {
            onClosed.run();
        }
    }

    private final class Server extends DefaultTlsServer {
        Server() {
            super(crypto);
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return CIPHER_SUITES;
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return timeoutMillis;
        }

        @Override
        protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
            return signer(context);
        }

        @Override
        public void processClientExtensions(Hashtable clientExtensions) throws IOException {
            super.processClientExtensions(clientExtensions);
            UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
            if (offered == null) {
                throw new TlsFatalAlert(AlertDescription.handshake_failure, "the client offered no use_srtp extension");
            }
            for (int ours : SRTP_PROFILES) {
                for (int theirs : offered.getProtectionProfiles()) {
                    if (ours == theirs) {
                        selectedProfile = SrtpProfile.fromId(ours);
                        return;
                    }
                }
            }
            throw new TlsFatalAlert(AlertDescription.handshake_failure,
                    "no common SRTP profile (we support AEAD_AES_128_GCM and AES128_CM_HMAC_SHA1_80)");
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Hashtable getServerExtensions() throws IOException {
            Hashtable extensions = super.getServerExtensions();
            if (extensions == null) {
                extensions = new Hashtable();
            }
            TlsSRTPUtils.addUseSRTPExtension(extensions,
                    new UseSRTPData(new int[] {selectedProfile.id()}, TlsUtils.EMPTY_BYTES));
            return extensions;
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public CertificateRequest getCertificateRequest() {
            Vector algorithms = new Vector();
            algorithms.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
            algorithms.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.rsa));
            return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                    algorithms, null);
        }

        @Override
        public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
            checkPeer(clientCertificate);
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            export(context);
        }

        @Override
        public void notifyAlertReceived(short level, short description) {
            alertReceived(description);
        }
    }

    private final class Client extends DefaultTlsClient {
        Client() {
            super(crypto);
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return CIPHER_SUITES;
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return timeoutMillis;
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Hashtable getClientExtensions() throws IOException {
            Hashtable extensions = super.getClientExtensions();
            if (extensions == null) {
                extensions = new Hashtable();
            }
            TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(SRTP_PROFILES, TlsUtils.EMPTY_BYTES));
            return extensions;
        }

        @Override
        public void processServerExtensions(Hashtable serverExtensions) throws IOException {
            super.processServerExtensions(serverExtensions);
            UseSRTPData chosen = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
            if (chosen == null || chosen.getProtectionProfiles().length != 1) {
                throw new TlsFatalAlert(AlertDescription.illegal_parameter, "the server chose no SRTP profile");
            }
            selectedProfile = SrtpProfile.fromId(chosen.getProtectionProfiles()[0]);
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    checkPeer(serverCertificate.getCertificate());
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                    return signer(context);
                }
            };
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            export(context);
        }

        @Override
        public void notifyAlertReceived(short level, short description) {
            alertReceived(description);
        }
    }
}
