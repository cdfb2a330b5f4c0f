package dev.lancast.bridge.auth;

import dev.lancast.bridge.config.GatewayTokens;
import dev.lancast.rtc.auth.BridgeProof;
import dev.lancast.rtc.http.HttpError;
import dev.lancast.rtc.http.Request;
import dev.lancast.rtc.http.Response;
import dev.lancast.rtc.http.Router;
import io.netty.handler.codec.http.HttpMethod;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@code GET /api/gateways/{name}/proof?nonce=HEX}: the bridge's answer to a gateway that holds
 * only its token and wants to know, before it sends that token, that this is its bridge
 * ({@link BridgeProof}; docs/security.md, "Finding the bridge"). No credential is asked for or
 * given: the answer proves the bridge knows gateway {@code name}'s token and binds it to the
 * certificate of the HTTPS connection. Over plain HTTP there is no certificate to bind: 400.
 */
public final class ProofResource {
    private final Supplier<GatewayTokens> tokens;
    private final Supplier<X509Certificate> certificate;
    /** The stretched key per configured token: computed at the first proof for it, kept while it is configured. */
    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();

    /** @param certificate the bridge's HTTPS certificate now (null: no HTTPS) */
    public ProofResource(Supplier<GatewayTokens> tokens, Supplier<X509Certificate> certificate) {
        this.tokens = tokens;
        this.certificate = certificate;
    }

    public void register(Router router) {
        router.route(HttpMethod.GET, "/api/gateways/{name}/proof", this::proof);
    }

    private Response proof(Request request) throws HttpError {
        X509Certificate cert = certificate.get();
        if (!request.secure() || cert == null) {
            throw new HttpError(400, "the bridge's proof binds its HTTPS certificate: ask over HTTPS");
        }
        byte[] nonce;
        try {
            nonce = BridgeProof.parseNonce(request.queryParam("nonce"));
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, e.getMessage());
        }
        String name = request.param("name");
        GatewayTokens configured = tokens.get();
        String token = configured.tokenOf(name);
        if (token == null) {
            throw new HttpError(404, "no gateway named '" + name + "' in this bridge's keys.gatewayTokens");
        }
        keys.keySet().retainAll(configured.tokens()); // a removed token's key goes with it
        byte[] key = keys.computeIfAbsent(token, BridgeProof::key);
        try {
            return Response.text(200, BridgeProof.hex(BridgeProof.proof(key, nonce, cert.getEncoded(), name)));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("the bridge's own certificate cannot be encoded", e);
        }
    }
}
