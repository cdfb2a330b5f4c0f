package dev.lancast.gateway.whep;

import dev.lancast.gateway.relay.StreamRelay;
import dev.lancast.gateway.relay.ViewerSession;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.catalog.ViewerAccess;
import dev.lancast.rtc.config.LimitSettings;
import dev.lancast.rtc.http.CorsPolicy;
import dev.lancast.rtc.http.HttpError;
import dev.lancast.rtc.http.Request;
import dev.lancast.rtc.http.Response;
import dev.lancast.rtc.http.Router;
import dev.lancast.rtc.limits.LimitCounters;
import dev.lancast.rtc.limits.SessionAdmission;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.peer.IcePatch;
import dev.lancast.rtc.peer.PeerConnection;
import dev.lancast.rtc.peer.ServerPeers;
import dev.lancast.rtc.peer.SessionIds;
import dev.lancast.rtc.sdp.AnswerBuilder;
import dev.lancast.rtc.sdp.CodecMatch;
import dev.lancast.rtc.sdp.MediaAnswer;
import dev.lancast.rtc.sdp.MediaDescription;
import dev.lancast.rtc.sdp.SdpException;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WHEP playback (IETF WHEP draft): {@code POST /whep/{stream}} with the viewer's offer answers with
 * the stream's codecs and SSRCs; {@code PATCH} on the Location trickles candidates or restarts ICE
 * ({@link IcePatch}); {@code DELETE} on it ends the session; both act only on a session of the
 * stream the URL names. The stream's
 * viewer access policy from the catalog is checked first: 403 outside its subnets, 401 without
 * one of its tokens (WHEP Bearer, or {@code ?token=} for plain links); and for a stream with a
 * policy, 403 for a page of an origin that may not play it ({@link WhepOrigins}, which also
 * answers CORS on these paths).
 */
public final class WhepResource {
    private static final Logger LOG = LoggerFactory.getLogger(WhepResource.class);
    /**
     * What we act on from viewers: NACKs are answered from the gateway's cache, PLI and FIR become
     * keyframe requests, REMB (the browser's estimate of its link) feeds the viewer's layer choice.
     */
    private static final List<String> VIDEO_FEEDBACK = List.of("nack", "nack pli", "ccm fir", "goog-remb");
    /** The WHEP layer extension's link relation (early WHEP drafts; Broadcast Box and live777 use it). */
    static final String LAYER_REL = "urn:ietf:params:whep:ext:core:layer";

    private final Function<String, StreamRelay> relays;
    private final ServerPeers peers;
    private final SecureRandom random;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SessionAdmission admission;
    private final LimitSettings limits;
    private final LimitCounters counters;
    private final WhepOrigins origins;
    private final Function<Request, Response> beforeOffer;

    /** A viewer's session and the stream it plays, which its URL must name. */
    private record Session(String stream, ViewerSession viewer) {}

    public WhepResource(
            Function<String, StreamRelay> relays,
            ServerPeers peers,
            WhepOrigins origins,
            SecureRandom random,
            SessionAdmission admission,
            LimitSettings limits,
            LimitCounters counters) {
        this(relays, peers, origins, random, admission, limits, counters, request -> null);
    }

    /**
     * @param origins     the pages that may play a stream with a viewer policy (CORS, and an Origin on a POST)
     * @param beforeOffer asked first with each offer: a response to give instead (a draining
     *                    gateway's redirect), or null to go on
     */
    public WhepResource(
            Function<String, StreamRelay> relays,
            ServerPeers peers,
            WhepOrigins origins,
            SecureRandom random,
            SessionAdmission admission,
            LimitSettings limits,
            LimitCounters counters,
            Function<Request, Response> beforeOffer) {
        this.beforeOffer = beforeOffer;
        this.relays = relays;
        this.origins = origins;
        this.peers = peers;
        this.random = random;
        this.admission = admission;
        this.limits = limits;
        this.counters = counters;
    }

    public void register(Router router) {
        router.cors("/whep/{stream}", origins).cors("/whep/{stream}/{session}", origins);
        router.route(HttpMethod.POST, "/whep/{stream}", this::play);
        router.route(HttpMethod.DELETE, "/whep/{stream}/{session}", this::end);
        router.route(HttpMethod.PATCH, "/whep/{stream}/{session}", this::patch);
        new LayerResource(relays, this::viewer).register(router);
    }

    /** The viewer of a session of a stream, or null (the layer API's lookup). */
    private ViewerSession viewer(String stream, String session) {
        Session s = sessions.get(session);
        return s == null || !s.stream().equals(stream) ? null : s.viewer();
    }

    public int sessionCount() {
        return sessions.size();
    }

    /** Whether the session id names a session of this stream that is up (its URL is the viewer's capability). */
    public boolean hasSession(String stream, String id) {
        Session session = id == null ? null : sessions.get(id);
        return session != null && session.stream().equals(stream);
    }

    private Response play(Request request) throws HttpError {
        Response instead = beforeOffer.apply(request);
        if (instead != null) {
            return instead;
        }
        StreamRelay relay = relays.apply(request.param("stream"));
        if (relay == null) {
            throw new HttpError(404, "unknown stream '" + request.param("stream") + "'");
        }
        origins.check(
                relay.name(),
                new CorsPolicy.CorsRequest(
                        request.headers().get("Origin"), request.headers().get("Host"), request.secure()));
        checkAccess(relay, request);
        if (!request.contentType().equals("application/sdp")) {
            throw new HttpError(415, "Content-Type must be application/sdp, got '" + request.contentType() + "'");
        }
        ServerPeers.Offer offer;
        try {
            offer = ServerPeers.parseOffer(request.bodyText());
        } catch (SdpException e) {
            throw new HttpError(400, "malformed SDP offer: " + e.getMessage());
        }
        StreamCatalog.Stream entry = relay.entry();
        if (entry == null || !entry.live() || entry.track("video").codec() == null) {
            throw new HttpError(503, "stream '" + relay.name() + "' is not live yet; try again shortly");
        }
        if (!relay.hasCurrentKey()) {
            throw new HttpError(
                    503,
                    "this gateway has no group key for stream '" + relay.name()
                            + "' from the bridge (check its bridgeToken)");
        }
        StreamCatalog.Track videoTrack = entry.track("video");
        StreamCatalog.Track audioTrack = entry.track("audio");
        List<MediaDescription> media = offer.sdp().media();
        Predicate<MediaDescription> receives = m -> m.direction() == MediaDescription.Direction.RECVONLY
                || m.direction() == MediaDescription.Direction.SENDRECV;
        ServerPeers.Choice video = ServerPeers.choose(media, "video", receives, m -> matchVideo(m, videoTrack));
        ServerPeers.Choice audio = audioTrack.codec() == null
                ? new ServerPeers.Choice(-1, null)
                : ServerPeers.choose(media, "audio", receives, m -> m.findCodec("opus", p -> true));
        if (!video.found() && !audio.found()) {
            throw new HttpError(400, "the offer accepts neither " + videoTrack.codec() + " video nor Opus audio");
        }
        SessionAdmission.Slot slot = admission.admit(request.remote().getAddress());
        String id = ServerPeers.newSessionId(random);
        ViewerSession viewer = new ViewerSession(
                id,
                relay,
                video.found() ? video.codec().payloadType() : -1,
                audio.found() ? audio.codec().payloadType() : -1,
                limits,
                counters);
        PeerConnection pc;
        try {
            pc = peers.create(id, offer, request.remote().getAddress(), viewer.thenOnClose(closed -> {
                sessions.remove(id, new Session(relay.name(), viewer));
                slot.release();
            }));
        } catch (RuntimeException e) {
            slot.release();
            throw e;
        }
        viewer.bind(pc);
        sessions.put(id, new Session(relay.name(), viewer));
        String cname = "lancast-" + relay.name();
        AnswerBuilder answer = peers.answer(offer, pc);
        if (video.found()) {
            answer.accept(
                    video.index(),
                    MediaAnswer.send(
                            video.codec().withFeedback(VIDEO_FEEDBACK),
                            relay.viewerSsrc(Track.Kind.VIDEO),
                            cname,
                            relay.name(),
                            relay.name() + "-video"));
        }
        if (audio.found()) {
            answer.accept(
                    audio.index(),
                    MediaAnswer.send(
                            audio.codec().withFeedback(List.of()),
                            relay.viewerSsrc(Track.Kind.AUDIO),
                            cname,
                            relay.name(),
                            relay.name() + "-audio"));
        }
        LOG.info("WHEP session {} for stream {} from {}", SessionIds.forLog(id), relay.name(), request.remote());
        String location = "/whep/" + relay.name() + "/" + id;
        return new Response(
                        201,
                        "application/sdp",
                        answer.build().getBytes(StandardCharsets.UTF_8),
                        IcePatch.createdHeaders(pc, location))
                .withHeader("Link", "<" + location + "/layer>; rel=\"" + LAYER_REL + "\"");
    }

    private static void checkAccess(StreamRelay relay, Request request) throws HttpError {
        StreamCatalog.Stream entry = relay.entry();
        ViewerAccess access = entry == null ? null : entry.viewers();
        if (access == null) {
            return;
        }
        String token = request.bearerToken() != null ? request.bearerToken() : request.queryParam("token");
        switch (access.check(request.remote().getAddress(), token, relay.viewerTokenSecret())) {
            case ALLOWED -> {}
            case ADDRESS_NOT_ALLOWED ->
                throw new HttpError(
                        403,
                        "stream '" + relay.name() + "' may not be watched from "
                                + request.remote().getAddress().getHostAddress());
            case TOKEN_MISSING ->
                throw new HttpError(
                        401,
                        "stream '" + relay.name() + "' needs a viewer token",
                        Map.of("WWW-Authenticate", "Bearer realm=\"lancast\""));
            case TOKEN_INVALID ->
                throw new HttpError(
                        401,
                        "invalid viewer token for stream '" + relay.name() + "'",
                        Map.of("WWW-Authenticate", "Bearer realm=\"lancast\", error=\"invalid_token\""));
        }
    }

    private static Optional<CodecMatch> matchVideo(MediaDescription m, StreamCatalog.Track track) {
        if ("H264".equalsIgnoreCase(track.codec())) {
            String profile = profileOf(track.fmtp());
            Optional<CodecMatch> exact = m.findCodec(
                    "H264",
                    p -> "1".equals(p.get("packetization-mode"))
                            && profile != null
                            && profile.equalsIgnoreCase(p.get("profile-level-id")));
            return exact.isPresent() ? exact : m.findCodec("H264", p -> "1".equals(p.get("packetization-mode")));
        }
        return m.findCodec(track.codec(), p -> true);
    }

    private static String profileOf(String fmtp) {
        if (fmtp == null) {
            return null;
        }
        for (String part : fmtp.split(";")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length == 2 && kv[0].equals("profile-level-id")) {
                return kv[1];
            }
        }
        return null;
    }

    /** The session the URL names, if it plays the stream the URL names (else 404, as for no session). */
    private Session session(Request request) throws HttpError {
        Session session = sessions.get(request.param("session"));
        if (session == null || !session.stream().equals(request.param("stream"))) {
            throw new HttpError(404, "no such WHEP session for stream '" + request.param("stream") + "'");
        }
        return session;
    }

    private Response patch(Request request) throws HttpError {
        return IcePatch.handle(request, session(request).viewer().peer(), peers);
    }

    private Response end(Request request) throws HttpError {
        Session session = session(request);
        if (!sessions.remove(request.param("session"), session)) {
            throw new HttpError(404, "no such WHEP session for stream '" + request.param("stream") + "'");
        }
        session.viewer().peer().close("ended by the viewer (DELETE)");
        return Response.empty(200);
    }
}
