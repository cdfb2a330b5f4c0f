package dev.lancast.rtc.tls;

import dev.lancast.rtc.net.Interfaces;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Makes the ECDSA P-256 server certificate used when the admin gave none: clients cannot check it
 * against a CA, so they pin it (its fingerprint is logged) or are told to trust it.
 */
public final class SelfSigned {
    static final Duration VALIDITY = Duration.ofDays(365);

    private SelfSigned() {}

    /** Whether lancast made this certificate (its subject says so), rather than an admin's CA. */
    static boolean madeHere(TlsIdentity identity) {
        X509Certificate c = identity.certificate();
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal())
                && c.getSubjectX500Principal().getName().contains("O=lancast self-signed");
    }

    /** @param names DNS names and IP literals for the subjectAltName; the first is also the CN */
    public static TlsIdentity generate(List<String> names, SecureRandom random, Instant now) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = generator.generateKeyPair();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.O, "lancast self-signed")
                    .addRDN(BCStyle.CN, names.isEmpty() ? "lancast" : names.get(0))
                    .build();
            List<GeneralName> alternatives = new ArrayList<>();
            for (String name : names) {
                alternatives.add(new GeneralName(
                        Interfaces.isAddressLiteral(name) ? GeneralName.iPAddress : GeneralName.dNSName, name));
            }
            X509CertificateHolder holder = new JcaX509v3CertificateBuilder(
                            subject,
                            new BigInteger(64, random),
                            Date.from(now.minus(Duration.ofHours(1))),
                            Date.from(now.plus(VALIDITY)),
                            subject,
                            pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(
                            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(
                            Extension.subjectAlternativeName,
                            false,
                            new GeneralNames(alternatives.toArray(new GeneralName[0])))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
            return new TlsIdentity(pair.getPrivate(), List.of(certificate));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
    }

    /** Writes the certificate and (owner-only) key, so the next start presents the same fingerprint. */
    static void save(TlsIdentity identity, Path certificate, Path privateKey) throws IOException {
        try {
            PemFiles.write(
                    privateKey,
                    true,
                    new PemObject("PRIVATE KEY", identity.privateKey().getEncoded()));
            PemFiles.write(
                    certificate,
                    false,
                    new PemObject("CERTIFICATE", identity.certificate().getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IOException(e);
        }
    }
}
