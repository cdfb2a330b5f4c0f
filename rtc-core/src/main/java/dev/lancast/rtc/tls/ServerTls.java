package dev.lancast.rtc.tls;

import dev.lancast.rtc.config.TlsSettings;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of HTTPS: the certificate (the admin's, or a self-signed one made here), the CA
 * that client certificates must come from, and the Netty context built from them.
 */
public final class ServerTls {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
    private static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    private final TlsIdentity identity;
    private final SslContext context;
    private final String origin;

    private ServerTls(TlsIdentity identity, SslContext context, String origin) {
        this.identity = identity;
        this.context = context;
        this.origin = origin;
    }

    /**
     * Reads (or, for {@code selfSigned}, makes and saves) the certificate and the client CA.
     * A file that cannot be used is a {@link TlsFileException} naming the config key.
     */
    public static ServerTls load(TlsSettings settings, SecureRandom random) throws TlsFileException {
        TlsIdentity identity;
        String origin;
        Path certificate = settings.certificate() == null ? null : Path.of(settings.certificate());
        Path privateKey = settings.privateKey() == null ? null : Path.of(settings.privateKey());
        TlsIdentity kept = certificate != null && !(settings.selfSigned() && missing(certificate, privateKey))
                ? TlsIdentity.load(certificate, privateKey)
                : null;
        if (kept != null && settings.selfSigned() && SelfSigned.madeHere(kept) && expiresSoon(kept, Instant.now())) {
            // A certificate this process made and kept: made again before it expires (gateways that
            // verify the bridge by its proof follow by themselves; pinning ones need the new fingerprint).
            LOG.warn(
                    "the kept self-signed certificate in {} expires at {}: making a new one",
                    certificate,
                    kept.certificate().getNotAfter().toInstant());
            kept = null;
        }
        if (kept != null) {
            identity = kept;
            origin = "from " + certificate;
        } else {
            List<String> names = names(settings);
            identity = SelfSigned.generate(names, random, Instant.now());
            origin = "self-signed, generated now for " + names;
            if (certificate != null) {
                try {
                    // The bridge's default state directory may not exist yet outside systemd: owner and group only.
                    for (Path p : List.of(certificate, privateKey)) {
                        Path dir = p.toAbsolutePath().getParent();
                        if (!Files.isDirectory(dir)) {
                            Files.createDirectories(
                                    dir,
                                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
                        }
                    }
                    SelfSigned.save(identity, certificate, privateKey);
                } catch (IOException e) {
                    throw new TlsFileException(
                            "certificate",
                            "cannot write the generated certificate to " + certificate + " and " + privateKey + ": "
                                    + e);
                }
                origin += ", saved to " + certificate + " and " + privateKey;
            }
        }
        List<X509Certificate> clientCas = settings.clientCa() == null
                ? List.of()
                : PemFiles.certificates(Path.of(settings.clientCa()), "clientCa");
        return new ServerTls(identity, context(identity, clientCas, settings.requireClientCertificate()), origin);
    }

    /**
     * Checks the files as {@link #load} would use them, without generating or writing anything:
     * for {@code lancast config check}.
     */
    public static void check(TlsSettings settings) throws TlsFileException {
        if (settings.certificate() != null) {
            Path certificate = Path.of(settings.certificate());
            Path privateKey = Path.of(settings.privateKey());
            if (!settings.selfSigned() || !missing(certificate, privateKey)) {
                TlsIdentity.load(certificate, privateKey);
            } else {
                for (Path p : List.of(certificate, privateKey)) {
                    Path dir = p.toAbsolutePath().getParent();
                    Path existing = dir;
                    while (existing != null && !Files.exists(existing)) {
                        existing = existing.getParent(); // made at start, if its parent lets us
                    }
                    if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
                        throw new TlsFileException(
                                p == certificate ? "certificate" : "privateKey",
                                "the self-signed "
                                        + "certificate is to be saved in " + dir
                                        + ", which is not a writable directory "
                                        + "(for the bridge's own certificate: set stateDirectory, or run it under its systemd "
                                        + "unit, whose StateDirectory= makes one)");
                    }
                }
            }
        }
        if (settings.clientCa() != null) {
            PemFiles.certificates(Path.of(settings.clientCa()), "clientCa");
        }
    }

    private static boolean expiresSoon(TlsIdentity identity, Instant now) {
        return identity.certificate().getNotAfter().toInstant().isBefore(now.plus(EXPIRY_WARNING));
    }

    public SslContext context() {
        return context;
    }

    public TlsIdentity identity() {
        return identity;
    }

    /** One line for the log: where the certificate came from, what it is, and how to pin it. */
    public String describe() {
        X509Certificate cert = identity.certificate();
        return "certificate " + cert.getSubjectX500Principal().getName() + " (" + origin + "), valid until "
                + cert.getNotAfter().toInstant() + ", SHA-256 fingerprint " + identity.fingerprintSha256()
                + ", SPKI SHA-256 " + identity.spkiSha256Base64();
    }

    /**
     * Warns while there is time to act: a certificate that expires within 30 days, or has expired.
     * (A saved self-signed one is renewed by deleting both files and restarting.)
     */
    public void warnIfExpiring(Instant now) {
        Instant notAfter = identity.certificate().getNotAfter().toInstant();
        if (notAfter.isBefore(now)) {
            LOG.warn("the HTTPS certificate expired at {}: clients refuse it; replace it", notAfter);
        } else if (notAfter.isBefore(now.plus(EXPIRY_WARNING))) {
            LOG.warn("the HTTPS certificate expires at {}: replace it before then", notAfter);
        }
    }

    private static SslContext context(TlsIdentity identity, List<X509Certificate> clientCas, boolean require) {
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(identity.privateKey(), identity.chain())
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2");
            if (!clientCas.isEmpty()) {
                // Optional by default: browsers on the same port have no client certificate.
                builder.trustManager(clientCas).clientAuth(require ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
            }
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the TLS context: " + e.getMessage(), e);
        }
    }

    private static boolean missing(Path certificate, Path privateKey) throws TlsFileException {
        boolean certExists = Files.exists(certificate);
        boolean keyExists = Files.exists(privateKey);
        if (certExists != keyExists) {
            throw new TlsFileException(
                    certExists ? "privateKey" : "certificate",
                    "no such file: "
                            + (certExists ? privateKey : certificate) + " (its pair "
                            + (certExists ? certificate : privateKey)
                            + " exists; remove it too to have both generated again)");
        }
        return !certExists;
    }

    /** The configured names, the listen address unless it is a wildcard, this host's name, and loopback. */
    private static List<String> names(TlsSettings settings) {
        Set<String> names = new LinkedHashSet<>(settings.selfSignedNames());
        String host = settings.listen() == null ? null : settings.listen().host();
        if (host != null && !host.equals("0.0.0.0") && !host.equals("::")) {
            names.add(host);
        }
        String hostname = hostname();
        if (hostname != null) {
            names.add(hostname);
        }
        names.add("localhost");
        names.add("127.0.0.1");
        return List.copyOf(names);
    }

    /** Read from the kernel: resolving it would send a DNS query. */
    private static String hostname() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII)
                    .trim();
            return name.matches("[A-Za-z0-9.-]{1,253}") ? name : null;
        } catch (IOException e) {
            return null;
        }
    }
}
