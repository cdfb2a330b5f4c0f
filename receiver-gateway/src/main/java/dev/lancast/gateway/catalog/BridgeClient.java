package dev.lancast.gateway.catalog;

import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.rtc.tls.ClientTls;
import dev.lancast.rtc.tls.TlsFileException;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The one HTTP client a gateway talks to its bridge with: it trusts the bridge as
 * {@code bridgeTls} says and presents the gateway's client certificate, if it has one.
 */
public final class BridgeClient {
    private BridgeClient() {
    }

    /** @throws TlsFileException when a bridgeTls file cannot be used; its field is the key under bridgeTls */
    public static HttpClient create(GatewayConfig config) throws TlsFileException {
        GatewayConfig.BridgeTls tls = config.bridgeTls();
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(3))
                .sslContext(ClientTls.context(tls.ca(), tls.fingerprint(), tls.certificate(), tls.privateKey()))
                .build();
    }
}
