package dev.lancast.rtc.peer;

import dev.lancast.rtc.http.HttpError;
import dev.lancast.rtc.http.Request;
import dev.lancast.rtc.http.Response;
import dev.lancast.rtc.ice.IceCredentials;
import dev.lancast.rtc.sdp.IceFragment;
import dev.lancast.rtc.sdp.SdpException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code PATCH} on a WHIP or WHEP session (RFC 9725 4.3, which the WHEP draft follows), shared
 * by both endpoints:
 * <ul>
 * <li>the body is {@code application/trickle-ice-sdpfrag} (else 415);</li>
 * <li>{@code If-Match} is required (428 without it): {@code *}, or the session's current entity-tag
 *     (412 when it is not the current one, after an ICE restart say);</li>
 * <li>a fragment with the session's ICE credentials (or none) trickles candidates: they are taken
 *     and 204 is answered (we are ICE-lite and learn the client's address from its checks, so a
 *     candidate changes nothing here);</li>
 * <li>a fragment with new credentials is an ICE restart: new server credentials are made and 200
 *     answers them in a fragment with our candidate and a new entity-tag; DTLS and SRTP carry on.</li>
 * </ul>
 * The entity-tag names the ICE session: it is our current ufrag, quoted.
 */
public final class IcePatch {
    private IcePatch() {}

    /** The entity-tag of a session's current ICE session. */
    public static String etag(PeerConnection pc) {
        return "\"" + pc.localIce().ufrag() + "\"";
    }

    /** Headers every 201 answer of WHIP and WHEP carries besides Location. */
    public static Map<String, String> createdHeaders(PeerConnection pc, String location) {
        return Map.of("Location", location, "ETag", etag(pc), "Accept-Patch", IceFragment.MEDIA_TYPE);
    }

    public static Response handle(Request request, PeerConnection pc, ServerPeers peers) throws HttpError {
        if (pc.isClosed()) {
            throw new HttpError(404, "the session has ended");
        }
        if (!request.contentType().equals(IceFragment.MEDIA_TYPE)) {
            throw new HttpError(
                    415,
                    "Content-Type must be " + IceFragment.MEDIA_TYPE + ", got '" + request.contentType() + "'",
                    Map.of("Accept-Patch", IceFragment.MEDIA_TYPE));
        }
        String ifMatch = request.headers().get("If-Match");
        if (ifMatch == null) {
            throw new HttpError(
                    428, "a PATCH needs If-Match: the session's ETag for trickle ICE, * for an ICE restart");
        }
        boolean wildcard = ifMatch.trim().equals("*");
        String current = etag(pc);
        if (!wildcard && !matches(ifMatch, current)) {
            throw new HttpError(412, "If-Match " + ifMatch.trim() + " is not the current ICE session " + current);
        }
        IceFragment fragment;
        try {
            fragment = IceFragment.parse(request.bodyText());
        } catch (SdpException e) {
            throw new HttpError(400, "malformed SDP fragment: " + e.getMessage());
        }
        IceCredentials remote = pc.remoteIce();
        boolean restart = fragment.ufrag() != null
                && (!fragment.ufrag().equals(remote.ufrag()) || !fragment.pwd().equals(remote.pwd()));
        if (!restart) {
            return Response.empty(204).withHeader("ETag", current);
        }
        IceCredentials next;
        try {
            next = new IceCredentials(fragment.ufrag(), fragment.pwd());
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "bad ICE credentials in the SDP fragment: " + e.getMessage());
        }
        String answer = peers.restartIce(pc, next, fragment);
        return new Response(
                200, IceFragment.MEDIA_TYPE, answer.getBytes(StandardCharsets.UTF_8), Map.of("ETag", etag(pc)));
    }

    /** If-Match is a list of entity-tags (RFC 9110 13.1.1); weak ones never match (strong comparison). */
    private static boolean matches(String ifMatch, String etag) {
        for (String tag : ifMatch.split(",")) {
            if (tag.trim().equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
