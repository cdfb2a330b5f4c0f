package dev.lancast.gateway.drain;

import dev.lancast.gateway.config.GatewayConfig;
import dev.lancast.gateway.discovery.SubnetPeers;
import dev.lancast.rtc.http.HttpError;
import dev.lancast.rtc.http.Request;
import dev.lancast.rtc.http.Response;
import dev.lancast.rtc.net.NamedThreadFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway leaving gracefully (docs/operations.md, "Draining a gateway"): from the moment it
 * drains it announces capacity 0 (the portal sends it nobody), tells its viewers to move (the
 * viewer page reads {@code draining} and {@code spreadMs} from /api/peers each second and moves at
 * a random moment within the spread, make-before-break), sends new WHEP offers to a peer with 307,
 * and is done when its last viewer has gone or the deadline has passed. Started by
 * {@code POST /api/drain} ({@code lancast gateway drain}) or by the process's stop (systemd's SIGTERM).
 */
public final class GatewayDrain implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayDrain.class);
    private static final long POLL_MILLIS = 100;

    private final GatewayConfig.DrainSettings settings;
    private final IntSupplier viewers;
    private final SubnetPeers peers;
    private final Runnable announce;
    private final LongSupplier nanos;
    private final String adminToken;
    private final ExecutorService waiter =
            Executors.newSingleThreadExecutor(new NamedThreadFactory("lancast-gateway-drain", true));
    private volatile long startedNanos;
    private volatile boolean draining;
    private volatile int viewersAtStart;

    /**
     * @param viewers    the gateway's viewer sessions now
     * @param announce   tells the bridge and the link now (capacity 0) rather than at the next beat
     * @param adminToken the token {@code POST /api/drain} must carry (the gateway's bridgeToken); null: loopback only
     */
    public GatewayDrain(
            GatewayConfig.DrainSettings settings,
            IntSupplier viewers,
            SubnetPeers peers,
            Runnable announce,
            LongSupplier nanos,
            String adminToken) {
        this.settings = settings;
        this.viewers = viewers;
        this.peers = peers;
        this.announce = announce;
        this.nanos = nanos;
        this.adminToken = adminToken;
    }

    public boolean draining() {
        return draining;
    }

    /** Starts draining (once; later calls change nothing). */
    public synchronized void start(String why) {
        if (draining) {
            return;
        }
        viewersAtStart = viewers.getAsInt();
        startedNanos = nanos.getAsLong();
        draining = true;
        LOG.info(
                "draining ({}): {} viewer(s) to move within {} ms, deadline {} s",
                why,
                viewersAtStart,
                spreadMillis(),
                settings.deadlineSeconds());
        announce.run();
    }

    /**
     * The window over which the viewers spread their moves: the viewers at the start of the drain
     * at movesPerSecond, at least 1 s, at most half the deadline.
     */
    public long spreadMillis() {
        long spread = Math.max(1000, viewersAtStart * 1000L / settings.movesPerSecond());
        return Math.min(spread, settings.deadlineSeconds() * 500L);
    }

    /** Drains and returns once the last viewer has gone or the deadline has passed; true when none is left. */
    public boolean drainAndWait(String why) throws InterruptedException {
        start(why);
        long deadline = startedNanos + TimeUnit.SECONDS.toNanos(settings.deadlineSeconds());
        int left;
        while ((left = viewers.getAsInt()) > 0 && nanos.getAsLong() < deadline) {
            Thread.sleep(POLL_MILLIS);
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(nanos.getAsLong() - startedNanos);
        if (left == 0) {
            LOG.info("drained: every viewer moved within {} ms", tookMs);
        } else {
            LOG.warn(
                    "drain deadline ({} s) passed with {} viewer(s) left; stopping anyway",
                    settings.deadlineSeconds(),
                    left);
        }
        return left == 0;
    }

    /** {@code POST /api/drain}: 202 and the drain runs; {@code whenDone} runs after it (the process stops). */
    public Response handle(Request request, Runnable whenDone) throws HttpError {
        authorize(request);
        boolean first = !draining;
        start("asked by " + request.remote().getAddress().getHostAddress());
        if (first) {
            try {
                waiter.execute(() -> {
                    try {
                        drainAndWait("asked over the API");
                        whenDone.run();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            } catch (RejectedExecutionException closing) {
                // the gateway is stopping anyway
            }
        }
        return Response.json(
                202,
                "{\"draining\":true,\"viewers\":" + viewers.getAsInt() + ",\"deadlineSeconds\":"
                        + settings.deadlineSeconds() + "}");
    }

    private void authorize(Request request) throws HttpError {
        if (adminToken == null) {
            if (!request.remote().getAddress().isLoopbackAddress()) {
                throw new HttpError(403, "without a bridgeToken, a drain may be asked for from this host only");
            }
            return;
        }
        String given = request.bearerToken();
        if (given == null
                || !MessageDigest.isEqual(
                        given.getBytes(StandardCharsets.UTF_8), adminToken.getBytes(StandardCharsets.UTF_8))) {
            throw new HttpError(
                    401,
                    "a drain needs this gateway's bridgeToken as its Bearer token",
                    Map.of("WWW-Authenticate", "Bearer realm=\"lancast-gateway\""));
        }
    }

    /**
     * Before a WHEP offer is taken: while draining, a 307 to the least full peer that serves the
     * stream (RFC 9725 4.5 lets a WHIP/WHEP endpoint redirect; the client repeats its POST there), or
     * 503 with Retry-After when there is none. Null when the offer may be taken here.
     */
    public Response redirectOffer(Request request) {
        if (!draining) {
            return null;
        }
        String stream = request.param("stream");
        List<SubnetPeers.Peer> to = peers.forStream(stream);
        if (to.isEmpty()) {
            return Response.text(503, "this gateway is draining and knows no other gateway for stream '" + stream + "'")
                    .withHeader("Retry-After", "2");
        }
        String location = to.get(0).url() + "whep/" + URLEncoder.encode(stream, StandardCharsets.UTF_8);
        return Response.text(307, "this gateway is draining; play from " + location)
                .withHeader("Location", location);
    }

    @Override
    public void close() {
        waiter.shutdownNow();
    }
}
