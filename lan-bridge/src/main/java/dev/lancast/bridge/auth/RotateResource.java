package dev.lancast.bridge.auth;

import dev.lancast.rtc.http.HttpError;
import dev.lancast.rtc.http.Request;
import dev.lancast.rtc.http.Response;
import dev.lancast.rtc.http.Router;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/keys/rotate} with an admin token: a rotation now, unless the last one was less
 * than {@link RotationPacer#MIN_GAP} ago (429 with Retry-After: N24). Answers the key ids in use.
 */
public final class RotateResource {
    private static final Logger LOG = LoggerFactory.getLogger(RotateResource.class);

    private final RotationPacer rotations;
    private final Supplier<List<String>> adminTokens;
    private final Supplier<?> keysInUse;

    /** @param keysInUse the ids in use after a rotation (answered as JSON) */
    public RotateResource(RotationPacer rotations, Supplier<List<String>> adminTokens, Supplier<?> keysInUse) {
        this.rotations = rotations;
        this.adminTokens = adminTokens;
        this.keysInUse = keysInUse;
    }

    public void register(Router router) {
        router.route(
                HttpMethod.POST,
                "/api/keys/rotate",
                this::rotate,
                (headers, params) -> GatewayAuthorizer.admin(headers, adminTokens.get()));
    }

    private Response rotate(Request request) throws HttpError {
        long wait = rotations.forced();
        if (wait > 0) {
            throw new HttpError(
                    429,
                    "the keys rotated less than " + RotationPacer.MIN_GAP.toSeconds() + " s ago; "
                            + "gateways fetch the next key once a second, so wait " + wait + " s",
                    Map.of("Retry-After", Long.toString(wait)));
        }
        LOG.info("group key rotation requested by {}", request.remote());
        return Response.jsonOf(200, keysInUse.get());
    }
}
