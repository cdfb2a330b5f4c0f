package dev.lancast.rtc.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The client side of HTTPS towards one server: whom to trust (a CA file, a pinned certificate
 * fingerprint, or the JDK's public CAs) and which client certificate to present, if any.
 */
public final class ClientTls {
    private ClientTls() {}

    /**
     * @param ca          PEM file of the CA(s) (or the self-signed certificate itself) to trust; null: see below
     * @param fingerprint SHA-256 of the one server certificate to accept, "AB:CD:…"; null: trust {@code ca},
     *                    or the JDK's CAs when both are null
     * @param certificate PEM file of the client certificate chain; null: present none
     * @param privateKey  its PEM key
     */
    public static SSLContext context(String ca, String fingerprint, String certificate, String privateKey)
            throws TlsFileException {
        TrustManager[] trust;
        if (fingerprint != null) {
            trust = new TrustManager[] {new PinnedTrustManager(fingerprint)};
        } else if (ca != null) {
            trust = trustManagers(PemFiles.certificates(Path.of(ca), "ca"));
        } else {
            trust = null;
        }
        KeyManager[] keys = certificate == null
                ? null
                : TlsIdentity.load(Path.of(certificate), Path.of(privateKey)).keyManagers();
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the TLS client context: " + e.getMessage(), e);
        }
    }

    /**
     * A context that accepts any server certificate. Only for a request that carries nothing
     * secret and whose answer is checked by other means against the certificate the connection
     * actually got (a gateway's request for the bridge's token proof,
     * {@link dev.lancast.rtc.auth.BridgeProof}); never for a request with credentials.
     */
    public static SSLContext unverified() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new AnyServer()}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the TLS client context: " + e.getMessage(), e);
        }
    }

    /** The SHA-256 fingerprint of a certificate, "AB:CD:…", as bridgeTls.fingerprint takes it. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            return TlsIdentity.fingerprint(certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TrustManager[] trustManagers(List<X509Certificate> cas) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot hold the CA certificates in a trust store: " + e.getMessage(), e);
        }
    }

    /** Accepts any server certificate; see {@link #unverified()}. No host name check is added on top either. */
    private static final class AnyServer extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server sent no certificate");
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client trust manager does not accept clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /**
     * Accepts exactly the server certificate with this fingerprint, whatever its issuer and names:
     * the way to trust a self-signed certificate whose fingerprint the admin copied from the log.
     * Extending X509ExtendedTrustManager keeps the JDK from adding a host name check on top.
     */
    static final class PinnedTrustManager extends X509ExtendedTrustManager {
        private final String fingerprint;

        PinnedTrustManager(String fingerprint) {
            this.fingerprint = fingerprint;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server sent no certificate");
            }
            String presented = TlsIdentity.fingerprint(chain[0].getEncoded());
            if (!presented.equals(fingerprint)) {
                throw new CertificateException("the server's certificate has SHA-256 fingerprint " + presented
                        + ", not the pinned " + fingerprint);
            }
            chain[0].checkValidity();
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a pinned client trust manager does not accept clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
