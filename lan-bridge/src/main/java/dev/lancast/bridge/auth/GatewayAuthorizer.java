package dev.lancast.bridge.auth;

import dev.lancast.bridge.config.BridgeConfig;
import dev.lancast.bridge.config.BridgeConfig.GatewayAuth;
import dev.lancast.rtc.http.Bearer;
import dev.lancast.rtc.http.HttpError;
import io.netty.handler.codec.http.HttpHeaders;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Who a gateway's request comes from: the gateway whose token it carries (keys.gatewayTokens binds
 * each token to one name), or the CN of its client certificate (verified against http.tls.clientCa
 * by the TLS layer before it reaches here), as keys.gatewayAuth allows. Any gateway may fetch the
 * keys; a gateway may register, heartbeat and say goodbye only under its own name (N9: a leaked
 * token used to move every gateway's viewers). Settings are read at each request, so a reload
 * applies at once.
 */
public final class GatewayAuthorizer {
    private final Supplier<BridgeConfig.KeySettings> keys;

    public GatewayAuthorizer(Supplier<BridgeConfig.KeySettings> keys) {
        this.keys = keys;
    }

    /** A check for routes any gateway may call (GET /api/keys). */
    public void anyGateway(HttpHeaders headers, Map<String, String> params, X509Certificate certificate)
            throws HttpError {
        identify(headers, certificate);
    }

    /** A check for /api/gateways/{name}: the credential must be that gateway's. */
    public void namedGateway(HttpHeaders headers, Map<String, String> params, X509Certificate certificate)
            throws HttpError {
        String name = identify(headers, certificate);
        String claimed = params.get("name");
        if (!name.equals(claimed)) {
            throw new HttpError(
                    403,
                    "this credential belongs to gateway '" + name + "', not '" + claimed
                            + "' (keys.gatewayTokens binds each token to one gateway name; a client certificate to its CN): "
                            + "set the gateway's discovery.name to '" + name + "'");
        }
    }

    /** The name of the gateway the request comes from; 401 without a valid credential. */
    String identify(HttpHeaders headers, X509Certificate certificate) throws HttpError {
        BridgeConfig.KeySettings settings = keys.get();
        if (settings.gatewayAuth() != GatewayAuth.TOKEN && certificate != null) {
            return commonName(certificate);
        }
        if (settings.gatewayAuth() == GatewayAuth.CERTIFICATE) {
            throw new HttpError(
                    401,
                    "a gateway client certificate from the bridge's http.tls.clientCa is required " + "(over https)");
        }
        String presented = Bearer.token(headers);
        String name = settings.gatewayTokens().nameOf(presented);
        if (name == null) {
            throw new HttpError(
                    401,
                    presented == null ? "missing 'Authorization: Bearer <gateway token>'" : "invalid gateway token");
        }
        return name;
    }

    /** A check for admin routes (POST /api/keys/rotate): one of these tokens. */
    public static void admin(HttpHeaders headers, List<String> tokens) throws HttpError {
        String presented = Bearer.token(headers);
        boolean ok = false;
        for (String t : tokens) {
            ok |= Bearer.matches(presented, t);
        }
        if (!ok) {
            throw new HttpError(
                    401, presented == null ? "missing 'Authorization: Bearer <admin token>'" : "invalid admin token");
        }
    }

    /** The certificate's subject CN: the gateway name a client certificate stands for. */
    static String commonName(X509Certificate certificate) throws HttpError {
        try {
            String cn = null;
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = String.valueOf(rdn.getValue());
                }
            }
            if (cn != null) {
                return cn;
            }
        } catch (InvalidNameException e) {
            // falls through: no usable name
        }
        throw new HttpError(403, "the client certificate names no gateway: its subject has no CN");
    }
}
