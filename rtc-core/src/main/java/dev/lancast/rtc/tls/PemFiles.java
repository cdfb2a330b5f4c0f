package dev.lancast.rtc.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/** Reads and writes the PEM files an admin hands over: certificates and unencrypted private keys. */
final class PemFiles {
    private PemFiles() {}

    /** Every certificate in the file, in file order (a server's own certificate first, then intermediates). */
    static List<X509Certificate> certificates(Path file, String field) throws TlsFileException {
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object item : parse(file, field)) {
            if (item instanceof X509CertificateHolder holder) {
                try {
                    out.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new TlsFileException(field, file + ": a certificate cannot be decoded: " + e.getMessage());
                }
            }
        }
        if (out.isEmpty()) {
            throw new TlsFileException(field, file + " holds no certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        return List.copyOf(out);
    }

    static PrivateKey privateKey(Path file, String field) throws TlsFileException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object item : parse(file, field)) {
            try {
                if (item instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (item instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
            } catch (IOException e) {
                throw new TlsFileException(field, file + ": the private key cannot be decoded: " + e.getMessage());
            }
            if (item instanceof PEMEncryptedKeyPair || item instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new TlsFileException(
                        field,
                        file + " holds an encrypted private key; lancast needs it " + "unencrypted (openssl pkey -in "
                                + file + " -out key.pem), readable by its user only");
            }
        }
        throw new TlsFileException(field, file + " holds no private key (expected -----BEGIN PRIVATE KEY-----)");
    }

    /** Writes PEM blocks through a temporary file, so a reader never sees half a file; keys are owner-only. */
    static void write(Path file, boolean secret, PemObject... blocks) throws IOException {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            for (PemObject block : blocks) {
                writer.writeObject(block);
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(
                dir,
                "." + file.getFileName(),
                ".tmp",
                PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
        try {
            Files.writeString(temp, text.toString(), StandardCharsets.US_ASCII);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static List<Object> parse(Path file, String field) throws TlsFileException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new TlsFileException(field, "no such file: " + file);
        } catch (AccessDeniedException e) {
            throw new TlsFileException(field, "cannot read " + file + ": permission denied");
        } catch (IOException e) {
            throw new TlsFileException(field, "cannot read " + file + ": " + e.getMessage());
        }
        List<Object> items = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object item;
            while ((item = parser.readObject()) != null) {
                items.add(item);
            }
        } catch (IOException | RuntimeException e) {
            throw new TlsFileException(field, file + " is not valid PEM: " + e.getMessage());
        }
        if (items.isEmpty()) {
            throw new TlsFileException(field, file + " holds no PEM block (expected -----BEGIN ...-----)");
        }
        return items;
    }
}
