package dev.lancast.rtc.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/** A certificate chain and the private key of its first certificate: what a TLS endpoint presents. */
public record TlsIdentity(PrivateKey privateKey, List<X509Certificate> chain) {
    public TlsIdentity {
        chain = List.copyOf(chain);
    }

    /**
     * Loads certificate and key and proves they belong together by signing with the key and
     * verifying with the certificate: a mismatch would otherwise surface only as failed handshakes.
     */
    public static TlsIdentity load(Path certificate, Path privateKey) throws TlsFileException {
        List<X509Certificate> chain = PemFiles.certificates(certificate, "certificate");
        PrivateKey key = PemFiles.privateKey(privateKey, "privateKey");
        if (!matches(key, chain.get(0).getPublicKey())) {
            throw new TlsFileException(
                    "privateKey",
                    privateKey + " is not the key of the certificate in " + certificate + " ("
                            + chain.get(0).getSubjectX500Principal().getName() + ")");
        }
        return new TlsIdentity(key, chain);
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** SHA-256 of the certificate, as {@code openssl x509 -fingerprint -sha256} prints it. */
    public String fingerprintSha256() {
        try {
            return fingerprint(certificate().getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Base64 SHA-256 of the public key (SPKI): what Chromium's --ignore-certificate-errors-spki-list takes. */
    public String spkiSha256Base64() {
        return Base64.getEncoder()
                .encodeToString(sha256(certificate().getPublicKey().getEncoded()));
    }

    static String fingerprint(byte[] der) {
        String hex = HexFormat.of().withUpperCase().formatHex(sha256(der));
        StringBuilder out = new StringBuilder(hex.length() * 3 / 2);
        for (int i = 0; i < hex.length(); i += 2) {
            out.append(i == 0 ? "" : ":").append(hex, i, i + 2);
        }
        return out.toString();
    }

    KeyManager[] keyManagers() {
        try {
            char[] password = new char[0];
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("identity", privateKey, password, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, password);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot hold the client certificate in a key store: " + e.getMessage(), e);
        }
    }

    private static boolean matches(PrivateKey key, PublicKey certified) throws TlsFileException {
        String algorithm = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "ED25519", "EDDSA" -> "Ed25519";
            default ->
                throw new TlsFileException(
                        "privateKey",
                        "a " + key.getAlgorithm() + " private key is not supported (use an EC or RSA key)");
        };
        byte[] probe = "lancast key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certified);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // A key of another algorithm than the certificate's cannot even start the check.
            return false;
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
