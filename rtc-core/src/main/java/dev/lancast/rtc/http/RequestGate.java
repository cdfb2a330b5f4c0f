package dev.lancast.rtc.http;

import dev.lancast.rtc.limits.AuthFailure;
import dev.lancast.rtc.limits.AuthFailureBackoff;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.limits.RateLimitedLog;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;

/**
 * What may pass a listener before its route runs, in order: an address in backoff after failed
 * authentications gets 429 for anything that carries a credential (not even checked: a right
 * guess would tell the guesser so); a route with keys or credentials asked over plain HTTP gets
 * 403 ({@link Router#credentialsOverHttpsOnly}); then the route's own check. Every refusal is
 * counted by reason and logged (rate-limited); a 401 counts towards the address's backoff.
 */
final class RequestGate {
    private final Router router;
    private final LimitCounters counters;
    private final RateLimitedLog refusals;
    private final AuthFailureBackoff backoff;
    private final boolean secure;

    /** @param secure the listener is HTTPS */
    RequestGate(
            Router router,
            LimitCounters counters,
            RateLimitedLog refusals,
            AuthFailureBackoff backoff,
            boolean secure) {
        this.router = router;
        this.counters = counters;
        this.refusals = refusals;
        this.backoff = backoff;
        this.secure = secure;
    }

    /** The response that ends this request before its body is read, or null to go on. */
    Response check(
            Router.Match match,
            HttpRequest request,
            String path,
            InetSocketAddress remote,
            X509Certificate clientCertificate) {
        if (carriesCredentials(request) && backoff.blockedNanos(remote.getAddress()) > 0) {
            counters.authFailed(AuthFailure.THROTTLED);
            long retry = backoff.retryAfterSeconds(remote.getAddress());
            refusals.info(
                    remote.getAddress(),
                    "{} {} from {}: 429 after {} failed authentications, for {} s more",
                    request.method(),
                    path,
                    remote,
                    AuthFailureBackoff.MAX_FAILURES,
                    retry);
            return Response.text(429, "too many failed authentications from this address; try again in " + retry + " s")
                    .withHeader("Retry-After", Long.toString(retry));
        }
        String plainRefusal = secure ? null : router.plainRefusal(path);
        if (plainRefusal != null) {
            counters.authFailed(AuthFailure.PLAIN_HTTP);
            refusals.info(
                    remote.getAddress(),
                    "{} {} from {} over plain HTTP: 403 {}",
                    request.method(),
                    path,
                    remote,
                    plainRefusal);
            return Response.text(403, plainRefusal);
        }
        if (match.route().check() != null) {
            try {
                match.route().check().check(request.headers(), match.params(), clientCertificate);
            } catch (HttpError e) {
                refused(request.method(), path, remote, e);
                return e.toResponse();
            }
        }
        return null;
    }

    /** Counts and logs a refused request; a 401 counts towards its address's backoff. */
    void refused(HttpMethod method, String path, InetSocketAddress remote, HttpError e) {
        if (e.status() == 401) {
            counters.authFailed(AuthFailure.UNAUTHORIZED);
            backoff.failed(remote.getAddress());
        } else if (e.status() == 403) {
            counters.authFailed(AuthFailure.FORBIDDEN);
        }
        refusals.info(remote.getAddress(), "{} {} from {}: {} {}", method, path, remote, e.status(), e.getMessage());
    }

    /** A request that could be a guess: it carries a token, or it is not a plain read. */
    private static boolean carriesCredentials(HttpRequest request) {
        HttpMethod m = request.method();
        return request.headers().contains(HttpHeaderNames.AUTHORIZATION)
                || request.uri().contains("token=")
                || !(m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.OPTIONS));
    }
}
