package dev.lancast.rtc.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lancast.rtc.config.HostPort;
import dev.lancast.rtc.config.TlsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificate and key files that cannot be used say which file and why. */
class TlsFilesTest {
    @TempDir
    Path dir;

    @Test
    void missingCertificate() throws Exception {
        TestPki.Issued server = TestPki.ca("site").issueServer(dir, "bridge");
        TlsFileException e = failure(dir.resolve("nope.pem"), server.privateKey(), null);
        assertEquals("certificate", e.field());
        assertEquals("no such file: " + dir.resolve("nope.pem"), e.getMessage());
    }

    @Test
    void notPem() throws Exception {
        TestPki.Issued server = TestPki.ca("site").issueServer(dir, "bridge");
        Path junk = Files.writeString(
                dir.resolve("junk.pem"),
                "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n" + "-----END CERTIFICATE-----\n");
        TlsFileException e = failure(junk, server.privateKey(), null);
        assertEquals("certificate", e.field());
        assertEquals(true, e.getMessage().startsWith(junk + " is not valid PEM: "), e.getMessage());

        Path empty = Files.writeString(dir.resolve("empty.pem"), "this is a DER file or notes\n");
        assertEquals(
                empty + " holds no PEM block (expected -----BEGIN ...-----)",
                failure(empty, server.privateKey(), null).getMessage());
    }

    @Test
    void keyFileWithoutAKey() throws Exception {
        TestPki.Issued server = TestPki.ca("site").issueServer(dir, "bridge");
        TlsFileException e = failure(server.certificate(), server.certificate(), null);
        assertEquals("privateKey", e.field());
        assertEquals(
                server.certificate() + " holds no private key (expected -----BEGIN PRIVATE KEY-----)", e.getMessage());
    }

    @Test
    void certificateFileWithoutACertificate() throws Exception {
        TestPki.Issued server = TestPki.ca("site").issueServer(dir, "bridge");
        TlsFileException e = failure(server.privateKey(), server.privateKey(), null);
        assertEquals("certificate", e.field());
        assertEquals(
                server.privateKey() + " holds no certificate (expected -----BEGIN CERTIFICATE-----)", e.getMessage());
    }

    @Test
    void keyOfAnotherCertificate() throws Exception {
        TestPki ca = TestPki.ca("site");
        TestPki.Issued one = ca.issueServer(dir, "one");
        TestPki.Issued two = ca.issueServer(dir, "two");
        TlsFileException e = failure(one.certificate(), two.privateKey(), null);
        assertEquals("privateKey", e.field());
        assertEquals(
                two.privateKey() + " is not the key of the certificate in " + one.certificate() + " (CN=one)",
                e.getMessage());
    }

    @Test
    void badClientCa() throws Exception {
        TestPki.Issued server = TestPki.ca("site").issueServer(dir, "bridge");
        TlsFileException e = failure(server.certificate(), server.privateKey(), dir.resolve("gateways-ca.pem"));
        assertEquals("clientCa", e.field());
        assertEquals("no such file: " + dir.resolve("gateways-ca.pem"), e.getMessage());
    }

    @Test
    void halfOfASavedSelfSignedPairIsAnError() throws Exception {
        Path cert = dir.resolve("self.pem");
        Files.writeString(cert, "left over");
        TlsSettings settings = new TlsSettings(
                new HostPort("127.0.0.1", 0),
                cert.toString(),
                dir.resolve("self-key.pem").toString(),
                true,
                null,
                null,
                false);
        TlsFileException e = assertThrows(TlsFileException.class, () -> ServerTls.check(settings));
        assertEquals("privateKey", e.field());
        assertEquals(
                "no such file: " + dir.resolve("self-key.pem") + " (its pair " + cert
                        + " exists; remove it too to have both generated again)",
                e.getMessage());
    }

    /** The same failure from the check (config check) and from the start (load). */
    private static TlsFileException failure(Path cert, Path key, Path clientCa) {
        TlsSettings settings = new TlsSettings(
                new HostPort("127.0.0.1", 0),
                cert.toString(),
                key.toString(),
                false,
                null,
                clientCa == null ? null : clientCa.toString(),
                false);
        TlsFileException checked = assertThrows(TlsFileException.class, () -> ServerTls.check(settings));
        TlsFileException loaded =
                assertThrows(TlsFileException.class, () -> ServerTls.load(settings, new SecureRandom()));
        assertEquals(checked.getMessage(), loaded.getMessage());
        return checked;
    }
}
