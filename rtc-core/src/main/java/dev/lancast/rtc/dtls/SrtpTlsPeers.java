package dev.lancast.rtc.dtls;

import dev.lancast.rtc.srtp.SrtpProfile;
import java.io.IOException;
import java.util.Hashtable;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.DefaultTlsServer;
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
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * BouncyCastle's two ends of a DTLS-SRTP handshake (RFC 5764): DTLS 1.2 only, ECDHE-ECDSA suites,
 * the {@code use_srtp} extension (AEAD_AES_128_GCM preferred), the peer's certificate checked
 * against its SDP fingerprint, and the keying material exported when the handshake completes. What
 * the two ends share lives in {@link DtlsSession} behind {@link Handshake}; the few overrides they
 * repeat (versions, suites, timeout) have no common place, since BouncyCastle's server and client
 * have no common base class to put them in.
 */
final class SrtpTlsPeers {
    static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    };
    static final int[] SRTP_PROFILES = {
        SrtpProfile.AEAD_AES_128_GCM.id(), SrtpProfile.AES128_CM_HMAC_SHA1_80.id(),
    };

    /** What a handshake's end needs of its session. */
    interface Handshake {
        BcTlsCrypto crypto();

        int timeoutMillis();

        /** The SRTP profile the handshake agreed on. */
        void select(SrtpProfile profile);

        SrtpProfile selected();

        /** Fails unless the peer's certificate has the fingerprint from its SDP. */
        void checkPeer(Certificate chain) throws IOException;

        TlsCredentialedSigner signer(TlsContext context) throws IOException;

        /** The handshake completed: keys for SRTP. */
        void export(TlsContext context);

        void alertReceived(short description);
    }

    private SrtpTlsPeers() {}

    static final class Server extends DefaultTlsServer {
        private final Handshake session;

        Server(Handshake session) {
            super(session.crypto());
            this.session = session;
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
            return session.timeoutMillis();
        }

        @Override
        protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
            return session.signer(context);
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
                        session.select(SrtpProfile.fromId(ours));
                        return;
                    }
                }
            }
            throw new TlsFatalAlert(
                    AlertDescription.handshake_failure,
                    "no common SRTP profile (we support AEAD_AES_128_GCM and AES128_CM_HMAC_SHA1_80)");
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Hashtable getServerExtensions() throws IOException {
            Hashtable extensions = super.getServerExtensions();
            if (extensions == null) {
                extensions = new Hashtable();
            }
            TlsSRTPUtils.addUseSRTPExtension(
                    extensions, new UseSRTPData(new int[] {session.selected().id()}, TlsUtils.EMPTY_BYTES));
            return extensions;
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public CertificateRequest getCertificateRequest() {
            Vector algorithms = new Vector();
            algorithms.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
            algorithms.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.rsa));
            return new CertificateRequest(
                    new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign}, algorithms, null);
        }

        @Override
        public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
            session.checkPeer(clientCertificate);
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            session.export(context);
        }

        @Override
        public void notifyAlertReceived(short level, short description) {
            session.alertReceived(description);
        }
    }

    static final class Client extends DefaultTlsClient {
        private final Handshake session;

        Client(Handshake session) {
            super(session.crypto());
            this.session = session;
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
            return session.timeoutMillis();
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
            session.select(SrtpProfile.fromId(chosen.getProtectionProfiles()[0]));
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    session.checkPeer(serverCertificate.getCertificate());
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                    return session.signer(context);
                }
            };
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            session.export(context);
        }

        @Override
        public void notifyAlertReceived(short level, short description) {
            session.alertReceived(description);
        }
    }
}
