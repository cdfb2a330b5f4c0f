package dev.lancast.bridge.whip;

import dev.lancast.bridge.ingest.IngestCodecs;
import dev.lancast.bridge.ingest.StreamIngest;
import dev.lancast.rtc.http.Bearer;
import dev.lancast.rtc.http.HttpError;
import dev.lancast.rtc.http.Request;
import dev.lancast.rtc.http.Response;
import dev.lancast.rtc.http.Router;
import dev.lancast.rtc.limits.SessionAdmission;
import dev.lancast.rtc.peer.IcePatch;
import dev.lancast.rtc.peer.PeerConnection;
import dev.lancast.rtc.peer.ServerPeers;
import dev.lancast.rtc.peer.SessionIds;
import dev.lancast.rtc.sdp.AnswerBuilder;
import dev.lancast.rtc.sdp.SdpException;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WHIP ingest (RFC 9725): {@code POST /whip/{stream}} with a Bearer token and an SDP offer;
 * {@code PATCH} on the returned Location trickles candidates or restarts ICE ({@link IcePatch});
 * {@code DELETE} on it ends the session. Both act only on a session of the stream the URL names.
 * The token is checked from the headers, before the body is read.
 */
public final class WhipResource {
    private static final Logger LOG = LoggerFactory.getLogger(WhipResource.class);
    private final Function<String, StreamIngest> streams;
    private final ServerPeers peers;
    private final SecureRandom random;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SessionAdmission admission;

    /** A WHIP session and the stream it publishes, which its URL must name. */
    private record Session(String stream, PeerConnection pc) {}

    public WhipResource(
            Function<String, StreamIngest> streams,
            ServerPeers peers,
            SecureRandom random,
            SessionAdmission admission) {
        this.streams = streams;
        this.peers = peers;
        this.random = random;
        this.admission = admission;
    }

    public void register(Router router) {
        router.route(HttpMethod.POST, "/whip/{stream}", this::publish, this::authorize);
        router.route(HttpMethod.DELETE, "/whip/{stream}/{session}", this::end, this::authorize);
        router.route(HttpMethod.PATCH, "/whip/{stream}/{session}", this::patch, this::authorize);
    }

    private void authorize(HttpHeaders headers, Map<String, String> params) throws HttpError {
        StreamIngest stream = streams.apply(params.get("stream"));
        if (stream == null) {
            throw new HttpError(404, "unknown stream '" + params.get("stream") + "'");
        }
        String token = Bearer.token(headers);
        if (token == null) {
            throw new HttpError(401, "missing 'Authorization: Bearer <token>'");
        }
        boolean ok = false;
        for (String expected : stream.config().tokens()) {
            ok |= Bearer.matches(token, expected);
        }
        if (!ok) {
            throw new HttpError(401, "invalid token for stream '" + stream.name() + "'");
        }
    }

    private Response publish(Request request) throws HttpError {
        StreamIngest stream = streams.apply(request.param("stream"));
        if (stream == null) {
            throw new HttpError(404, "unknown stream '" + request.param("stream") + "'");
        }
        if (!request.contentType().equals("application/sdp")) {
            throw new HttpError(415, "Content-Type must be application/sdp, got '" + request.contentType() + "'");
        }
        ServerPeers.Offer offer;
        try {
            offer = ServerPeers.parseOffer(request.bodyText());
        } catch (SdpException e) {
            throw new HttpError(400, "malformed SDP offer: " + e.getMessage());
        }
        WhipMedia chosen =
                WhipMedia.of(offer.sdp().media(), stream.config().layers().count());
        if (!chosen.found()) {
            throw new HttpError(400, "the offer has neither VP8 or H.264 (packetization-mode=1) video nor Opus audio");
        }
        SessionAdmission.Slot slot = admission.admit(request.remote().getAddress());
        String id = ServerPeers.newSessionId(random);
        PeerConnection pc;
        try {
            pc = peers.create(id, offer, request.remote().getAddress(), stream.thenOnClose(closed -> {
                sessions.remove(closed.id(), new Session(stream.name(), closed));
                slot.release();
            }));
        } catch (RuntimeException e) {
            slot.release();
            throw e;
        }
        sessions.put(id, new Session(stream.name(), pc));
        stream.attach(pc, chosen.codecs());
        AnswerBuilder answer = peers.answer(offer, pc);
        chosen.answer(answer);
        IngestCodecs codecs = chosen.codecs();
        LOG.info(
                "WHIP session {} for stream {} from {} (video {}{}, audio {}{})",
                SessionIds.forLog(id),
                stream.name(),
                request.remote(),
                chosen.video().found() ? codecs.video().rtpMap().encoding() : "none",
                codecs.rids().isEmpty() ? "" : ", layers " + String.join(";", codecs.rids()),
                chosen.audio().found() ? "opus" : "none",
                codecs.transportCcExtension() > 0 ? ", transport-cc" : "");
        if (!chosen.declined().isEmpty()) {
            // Declined in the answer (RFC 8853), so the broadcaster knows; said here for the operator.
            LOG.warn(
                    "WHIP session {} for stream {}: simulcast streams declined: {}",
                    SessionIds.forLog(id),
                    stream.name(),
                    String.join("; ", chosen.declined()));
        }
        return new Response(
                201,
                "application/sdp",
                answer.build().getBytes(StandardCharsets.UTF_8),
                IcePatch.createdHeaders(pc, "/whip/" + stream.name() + "/" + id));
    }

    /** The session the URL names, if it publishes the stream the URL names (else 404, as for no session). */
    private Session session(Request request) throws HttpError {
        Session session = sessions.get(request.param("session"));
        if (session == null || !session.stream().equals(request.param("stream"))) {
            throw new HttpError(404, "no such WHIP session for stream '" + request.param("stream") + "'");
        }
        return session;
    }

    private Response patch(Request request) throws HttpError {
        return IcePatch.handle(request, session(request).pc(), peers);
    }

    private Response end(Request request) throws HttpError {
        Session session = session(request);
        if (!sessions.remove(request.param("session"), session)) {
            throw new HttpError(404, "no such WHIP session for stream '" + request.param("stream") + "'");
        }
        session.pc().close("ended by the broadcaster (DELETE)");
        return Response.empty(200);
    }
}
