package dev.lancast.rtc.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.config.HostPort;
import dev.lancast.rtc.config.TlsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridge's own certificate (N21): made once, in a directory made for it, kept, and made again before it expires. */
class KeptCertificateTest {
    @TempDir
    Path dir;

    private TlsSettings kept() {
        return TlsSettings.kept(
                new HostPort("127.0.0.1", 0),
                dir.resolve("state/bridge-cert.pem").toString(),
                dir.resolve("state/bridge-key.pem").toString());
    }

    @Test
    void madeOnceInItsOwnDirectoryAndKeptAcrossStarts() throws Exception {
        String first = ServerTls.load(kept(), new SecureRandom()).identity().fingerprintSha256();
        assertEquals(
                "rwxr-x---",
                java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(dir.resolve("state"))));
        assertEquals(
                "rw-------",
                java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(dir.resolve("state/bridge-key.pem"))));
        assertEquals(
                first, ServerTls.load(kept(), new SecureRandom()).identity().fingerprintSha256());
    }

    @Test
    void madeAgainWhenItExpiresWithin30Days() throws Exception {
        SecureRandom random = new SecureRandom();
        TlsIdentity old = SelfSigned.generate(
                List.of("127.0.0.1"),
                random,
                Instant.now().minus(SelfSigned.VALIDITY).plus(Duration.ofDays(2)));
        Files.createDirectories(dir.resolve("state"));
        SelfSigned.save(old, dir.resolve("state/bridge-cert.pem"), dir.resolve("state/bridge-key.pem"));
        TlsIdentity renewed = ServerTls.load(kept(), random).identity();
        assertNotEquals(old.fingerprintSha256(), renewed.fingerprintSha256());
        assertTrue(renewed.certificate()
                .getNotAfter()
                .toInstant()
                .isAfter(Instant.now().plus(Duration.ofDays(300))));
        assertEquals(
                renewed.fingerprintSha256(),
                ServerTls.load(kept(), random).identity().fingerprintSha256(),
                "and kept again");
    }
}
