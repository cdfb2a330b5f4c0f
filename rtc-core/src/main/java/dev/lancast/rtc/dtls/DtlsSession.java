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
import java.util.concurrent.atomic.AtomicBoolean;
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
 * keys SRTP. BouncyCastle's handshake blocks, so it runs on the given executor; records from the
 * event loop are queued, never waited for.
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
    private final AtomicBoolean closed = new AtomicBoolean();
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

    public void start() {
        if (started.compareAndSet(false, true)) {
            executor.execute(this::runHandshake);
        }
    }

    /** A DTLS record from the peer; copied, never blocks. */
    public void onPacket(byte[] buf, int off, int len) {
        if (closed.get()) {
            return;
        }
        transport.offer(buf, off, len);
        if (connection != null) {
            // After the handshake: let BouncyCastle see retransmitted flights and alerts.
            executor.execute(this::drain);
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
                drain();
            }
        } catch (Exception e) {
            handshake.completeExceptionally(new IOException(describe(e), e));
            transport.close();
        }
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

    /** Sends close_notify when connected; stops a handshake in progress. */
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        DTLSTransport t = connection;
        if (t != null) {
            executor.execute(() -> {
                try {
                    t.close();
                } catch (IOException ignored) {
                    // the peer may already be gone
                }
                transport.close();
            });
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
