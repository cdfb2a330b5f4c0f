package dev.lancast.rtc.http;

import dev.lancast.rtc.config.HttpSettings;
import dev.lancast.rtc.limits.AuthFailureBackoff;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.limits.RateLimitedLog;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.tls.ServerTls;
import dev.lancast.rtc.tls.TlsFileException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a process listens on for HTTP, as {@link HttpSettings} says: plain HTTP, HTTPS, or
 * HTTPS with the plain port redirecting to it. All of them serve the same router.
 */
public final class HttpFront implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpFront.class);

    private final HttpSettings settings;
    private final SecureRandom random;
    private final HttpServer plain;
    private final HttpsRedirectServer redirect;
    private final HttpServer secure;
    private volatile ServerTls tls;

    /**
     * @param counters where refusals by a limit and authentication failures are counted
     * @param refusals logs refusals, at most once per client address per interval
     * @throws IllegalStateException when a certificate or key file cannot be used (the message says which)
     */
    public HttpFront(
            EventLoops loops,
            HttpSettings settings,
            Router router,
            SecureRandom random,
            LimitCounters counters,
            RateLimitedLog refusals) {
        this.settings = settings;
        this.random = random;
        Duration timeout = Duration.ofSeconds(settings.readTimeoutSeconds());
        // One backoff for both listeners: a guesser gains nothing by switching port.
        AuthFailureBackoff backoff = new AuthFailureBackoff(System::nanoTime);
        HttpServer secureServer = null;
        HttpServer plainServer = null;
        try {
            if (settings.tls() != null) {
                try {
                    tls = ServerTls.load(settings.tls(), random);
                } catch (TlsFileException e) {
                    throw new IllegalStateException("http.tls." + e.field() + ": " + e.getMessage(), e);
                }
                tls.warnIfExpiring(Instant.now());
                secureServer = new HttpServer(
                        loops,
                        settings.tls().listen().toSocketAddress(),
                        router,
                        settings.maxBodyBytes(),
                        timeout,
                        () -> tls.context(),
                        counters,
                        refusals,
                        backoff);
                LOG.info("HTTPS on {}: {}", text(secureServer.localAddress()), tls.describe());
            }
            InetSocketAddress plainAddress = settings.listen().toSocketAddress();
            plainServer = settings.plain() == HttpSettings.Plain.SERVE
                    ? new HttpServer(
                            loops,
                            plainAddress,
                            router,
                            settings.maxBodyBytes(),
                            timeout,
                            null,
                            counters,
                            refusals,
                            backoff)
                    : null;
            if (plainServer != null && settings.allowPlainCredentials()) {
                LOG.warn(
                        "http.allowPlainCredentials is set: keys and gateway tokens are served on plain HTTP at "
                                + "http://{}, where anyone on the LAN who sees or redirects the traffic takes them and can "
                                + "decrypt every stream. For labs only; remove it and give gateways the https:// URL",
                        text(plainServer.localAddress()));
            }
            redirect = settings.plain() == HttpSettings.Plain.REDIRECT
                    ? new HttpsRedirectServer(
                            loops, plainAddress, secureServer.localAddress().getPort(), timeout, counters, refusals)
                    : null;
        } catch (RuntimeException e) {
            // A port in use must not leave the other listener open behind a failed start.
            if (secureServer != null) {
                secureServer.close();
            }
            if (plainServer != null) {
                plainServer.close();
            }
            throw e;
        }
        secure = secureServer;
        plain = plainServer;
    }

    /**
     * Rereads the certificate files (after the admin replaced them) for new connections; open ones
     * keep theirs. A generated certificate that was not saved stays as it is. A file that cannot be
     * used leaves the running certificate and is reported.
     */
    public void reloadCertificate() {
        if (tls == null || settings.tls().certificate() == null) {
            return;
        }
        try {
            ServerTls next = ServerTls.load(settings.tls(), random);
            if (!next.identity().fingerprintSha256().equals(tls.identity().fingerprintSha256())) {
                next.warnIfExpiring(Instant.now());
                LOG.info("HTTPS certificate reloaded: {}", next.describe());
            }
            tls = next;
        } catch (TlsFileException | RuntimeException e) {
            LOG.error(
                    "HTTPS certificate not reloaded, the running one stays: http.tls.{}: {}",
                    e instanceof TlsFileException f ? f.field() : "certificate",
                    e.getMessage());
        }
    }

    /** The plain HTTP address serving the router, or null when plain HTTP only redirects or is off. */
    public InetSocketAddress plainAddress() {
        return plain == null ? null : plain.localAddress();
    }

    /** The HTTPS address, or null without tls. */
    public InetSocketAddress tlsAddress() {
        return secure == null ? null : secure.localAddress();
    }

    /** The redirecting plain HTTP address, or null unless {@code plain: redirect}. */
    public InetSocketAddress redirectAddress() {
        return redirect == null ? null : redirect.localAddress();
    }

    public ServerTls tls() {
        return tls;
    }

    /** Failed TLS handshakes on the HTTPS port since start. */
    public long tlsHandshakeFailures() {
        return secure == null ? 0 : secure.tlsHandshakeFailures();
    }

    /** "http://a:8080, https://a:8443" with what the plain port does, for the ready line. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (plain != null) {
            parts.add("http://" + text(plain.localAddress()));
        }
        if (redirect != null) {
            parts.add("http://" + text(redirect.localAddress()) + " (redirects to https)");
        }
        if (secure != null) {
            parts.add("https://" + text(secure.localAddress()));
        }
        return String.join(", ", parts);
    }

    private static String text(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    @Override
    public void close() {
        if (plain != null) {
            plain.close();
        }
        if (redirect != null) {
            redirect.close();
        }
        if (secure != null) {
            secure.close();
        }
    }
}
