package dev.lancast.rtc.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A throw-away CA for tests, as an admin would run one with openssl: it issues server
 * certificates for 127.0.0.1 and client certificates for gateways, written as PEM files.
 */
public final class TestPki {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;
    private final KeyPair key;
    private final X509Certificate certificate;

    private TestPki(String name, KeyPair key, X509Certificate certificate) {
        this.name = name;
        this.key = key;
        this.certificate = certificate;
    }

    public static TestPki ca(String name) throws GeneralSecurityException {
        KeyPair key = ecKey();
        X500Name subject = new X500Name("CN=" + name);
        return new TestPki(name, key, sign(subject, key, subject, key, true, null, null));
    }

    /** Writes the CA certificate to dir/NAME-ca.pem. */
    public Path writeCa(Path dir) throws IOException, GeneralSecurityException {
        Path file = dir.resolve(name + "-ca.pem");
        PemFiles.write(file, false, new PemObject("CERTIFICATE", certificate.getEncoded()));
        return file;
    }

    /** A server certificate for 127.0.0.1 and localhost: dir/CN.pem and dir/CN-key.pem. */
    public Issued issueServer(Path dir, String cn) throws IOException, GeneralSecurityException {
        return issue(dir, cn, KeyPurposeId.id_kp_serverAuth, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")
        }));
    }

    /** A client (gateway) certificate: dir/CN.pem and dir/CN-key.pem. */
    public Issued issueClient(Path dir, String cn) throws IOException, GeneralSecurityException {
        return issue(dir, cn, KeyPurposeId.id_kp_clientAuth, null);
    }

    /** The certificate and key files of one issued certificate. */
    public record Issued(Path certificate, Path privateKey) {}

    private Issued issue(Path dir, String cn, KeyPurposeId purpose, GeneralNames names)
            throws IOException, GeneralSecurityException {
        KeyPair leaf = ecKey();
        X509Certificate cert =
                sign(new X500Name("CN=" + cn), leaf, new X500Name("CN=" + name), key, false, purpose, names);
        Path certFile = dir.resolve(cn + ".pem");
        Path keyFile = dir.resolve(cn + "-key.pem");
        PemFiles.write(
                certFile,
                false,
                new PemObject("CERTIFICATE", cert.getEncoded()),
                new PemObject("CERTIFICATE", certificate.getEncoded()));
        PemFiles.write(
                keyFile, true, new PemObject("PRIVATE KEY", leaf.getPrivate().getEncoded()));
        return new Issued(certFile, keyFile);
    }

    /**
     * A client context that presents this certificate whatever CAs the server asks for (the JDK's
     * own key manager would quietly send none): to prove that the server itself refuses it.
     */
    public static javax.net.ssl.SSLContext alwaysPresenting(Issued client, String trustedCa) throws Exception {
        TlsIdentity identity = TlsIdentity.load(client.certificate(), client.privateKey());
        javax.net.ssl.X509ExtendedKeyManager keys = new javax.net.ssl.X509ExtendedKeyManager() {
            @Override
            public String chooseEngineClientAlias(
                    String[] keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
                return "client";
            }

            @Override
            public String chooseClientAlias(
                    String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
                return "client";
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return identity.chain().toArray(new X509Certificate[0]);
            }

            @Override
            public java.security.PrivateKey getPrivateKey(String alias) {
                return identity.privateKey();
            }

            @Override
            public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
                return new String[] {"client"};
            }

            @Override
            public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
                return null;
            }
        };
        javax.net.ssl.TrustManagerFactory factory =
                javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry(
                "ca", PemFiles.certificates(Path.of(trustedCa), "ca").get(0));
        factory.init(store);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(new javax.net.ssl.KeyManager[] {keys}, factory.getTrustManagers(), RANDOM);
        return context;
    }

    private static X509Certificate sign(
            X500Name subject,
            KeyPair subjectKey,
            X500Name issuer,
            KeyPair issuerKey,
            boolean ca,
            KeyPurposeId purpose,
            GeneralNames names)
            throws GeneralSecurityException {
        try {
            Instant now = Instant.now();
            org.bouncycastle.cert.X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                            issuer,
                            new BigInteger(64, RANDOM),
                            Date.from(now.minus(Duration.ofHours(1))),
                            Date.from(now.plus(Duration.ofDays(90))),
                            subject,
                            subjectKey.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(ca))
                    .addExtension(
                            Extension.keyUsage,
                            true,
                            new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
            if (purpose != null) {
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            }
            if (names != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, names);
            }
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(
                            new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
        } catch (org.bouncycastle.operator.OperatorCreationException | IOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair ecKey() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }
}
