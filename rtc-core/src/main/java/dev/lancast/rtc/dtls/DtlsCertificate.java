package dev.lancast.rtc.dtls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The self-signed ECDSA P-256 certificate a process uses for all its DTLS sessions; peers trust
 * it through the SHA-256 fingerprint in the SDP, not through a CA.
 */
public final class DtlsCertificate {
    private final byte[] encoded;
    private final AsymmetricKeyParameter privateKey;
    private final String fingerprint;

    private DtlsCertificate(byte[] encoded, AsymmetricKeyParameter privateKey) {
        this.encoded = encoded;
        this.privateKey = privateKey;
        this.fingerprint = formatFingerprint(sha256(encoded));
    }

    public static DtlsCertificate generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = generator.generateKeyPair();
            long now = System.currentTimeMillis();
            X500Name name = new X500Name("CN=lancast");
            X509CertificateHolder holder = new JcaX509v3CertificateBuilder(
                            name,
                            new BigInteger(64, new SecureRandom()).abs(),
                            new Date(now - 86_400_000L),
                            new Date(now + 30L * 86_400_000L),
                            name,
                            pair.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            return new DtlsCertificate(
                    holder.getEncoded(),
                    PrivateKeyFactory.createKey(pair.getPrivate().getEncoded()));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot create the DTLS certificate", e);
        }
    }

    /** The a=fingerprint:sha-256 value: uppercase hex pairs joined by colons. */
    public String fingerprintSha256() {
        return fingerprint;
    }

    Certificate tlsCertificate(BcTlsCrypto crypto) throws IOException {
        return new Certificate(new TlsCertificate[] {crypto.createCertificate(encoded)});
    }

    AsymmetricKeyParameter privateKey() {
        return privateKey;
    }

    /** SHA-256 of the peer's end-entity certificate, or null when it sent none. */
    static byte[] peerFingerprint(Certificate chain) throws IOException {
        if (chain == null || chain.isEmpty()) {
            return null;
        }
        return sha256(chain.getCertificateAt(0).getEncoded());
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String formatFingerprint(byte[] digest) {
        String hex = HexFormat.of().formatHex(digest).toUpperCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(hex.length() * 3 / 2);
        for (int i = 0; i < hex.length(); i += 2) {
            if (i > 0) {
                out.append(':');
            }
            out.append(hex, i, i + 2);
        }
        return out.toString();
    }
}
