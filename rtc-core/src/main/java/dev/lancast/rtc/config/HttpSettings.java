package dev.lancast.rtc.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The HTTP front of bridge and gateway: plain HTTP, HTTPS, or both.
 *
 * @param listen             plain HTTP address and port; null means the process's default port on 127.0.0.1
 * @param maxBodyBytes       largest request body (an SDP offer); 0 means 65536
 * @param readTimeoutSeconds idle connections are closed after this; 0 means 30
 * @param tls                HTTPS; null means none
 * @param plain              what the plain HTTP port does: serve (default), redirect to HTTPS, or off
 * @param allowPlainCredentials serve the routes that carry keys or gateway credentials on plain
 *                           HTTP too (labs only; default false: 403 there, HTTPS only)
 */
public record HttpSettings(
        HostPort listen,
        int maxBodyBytes,
        int readTimeoutSeconds,
        TlsSettings tls,
        Plain plain,
        Boolean allowPlainCredentials) {

    /** What the plain HTTP listener does once HTTPS exists. */
    public enum Plain {
        SERVE,
        REDIRECT,
        OFF;

        @JsonCreator
        public static Plain parse(String text) {
            for (Plain p : values()) {
                if (p.toString().equals(text)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("plain must be serve, redirect or off, got '" + text + "'");
        }

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public HttpSettings {
        maxBodyBytes = maxBodyBytes == 0 ? 65536 : maxBodyBytes;
        readTimeoutSeconds = readTimeoutSeconds == 0 ? 30 : readTimeoutSeconds;
        plain = plain == null ? Plain.SERVE : plain;
        allowPlainCredentials = allowPlainCredentials != null && allowPlainCredentials;
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes must be at least 1024, got " + maxBodyBytes);
        }
        if (plain != Plain.SERVE && tls == null) {
            throw new IllegalArgumentException("plain: " + plain + " needs tls (there is no HTTPS to "
                    + (plain == Plain.OFF ? "serve instead" : "redirect to") + ")");
        }
    }

    /** Plain HTTP only, as before HTTPS existed. */
    public HttpSettings(HostPort listen, int maxBodyBytes, int readTimeoutSeconds) {
        this(listen, maxBodyBytes, readTimeoutSeconds, null, null, null);
    }

    /** Without the lab opt-in: keys and gateway credentials over HTTPS only. */
    public HttpSettings(HostPort listen, int maxBodyBytes, int readTimeoutSeconds, TlsSettings tls, Plain plain) {
        this(listen, maxBodyBytes, readTimeoutSeconds, tls, plain, null);
    }

    /** Labs only: plain HTTP only, keys and gateway credentials served on it (logged loudly at start). */
    public static HttpSettings plainWithCredentials(HostPort listen) {
        return new HttpSettings(listen, 0, 0, null, null, true);
    }

    /** These settings with HTTPS as given. */
    public HttpSettings withTls(TlsSettings with) {
        return new HttpSettings(listen, maxBodyBytes, readTimeoutSeconds, with, plain, allowPlainCredentials);
    }

    /**
     * These settings with the process's default ports filled in: plain HTTP on 127.0.0.1:httpPort,
     * and HTTPS (when configured without an address) on the plain host and tlsPort.
     */
    public HttpSettings withDefaultPorts(int httpPort, int tlsPort) {
        HostPort plainListen = listen != null ? listen : new HostPort("127.0.0.1", httpPort);
        TlsSettings tlsFilled =
                tls == null || tls.listen() != null ? tls : tls.withListen(new HostPort(plainListen.host(), tlsPort));
        return new HttpSettings(plainListen, maxBodyBytes, readTimeoutSeconds, tlsFilled, plain, allowPlainCredentials);
    }

    public static HttpSettings defaults(int httpPort) {
        return new HttpSettings(null, 0, 0).withDefaultPorts(httpPort, 0);
    }
}
