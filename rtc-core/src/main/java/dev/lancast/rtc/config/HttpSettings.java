package dev.lancast.rtc.config;

/**
 * The HTTP front of bridge and gateway.
 *
 * @param listen             address and port; null means the process's default port on 127.0.0.1
 * @param maxBodyBytes       largest request body (an SDP offer); 0 means 65536
 * @param readTimeoutSeconds idle connections are closed after this; 0 means 30
 */
public record HttpSettings(HostPort listen, int maxBodyBytes, int readTimeoutSeconds) {
    public HttpSettings {
        maxBodyBytes = maxBodyBytes == 0 ? 65536 : maxBodyBytes;
        readTimeoutSeconds = readTimeoutSeconds == 0 ? 30 : readTimeoutSeconds;
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes must be at least 1024, got " + maxBodyBytes);
        }
    }

    /** These settings, listening on 127.0.0.1:defaultPort when no address was given. */
    public HttpSettings withDefaultPort(int defaultPort) {
        return listen != null ? this : new HttpSettings(new HostPort("127.0.0.1", defaultPort), maxBodyBytes,
                readTimeoutSeconds);
    }

    public static HttpSettings defaults(int port) {
        return new HttpSettings(null, 0, 0).withDefaultPort(port);
    }
}
