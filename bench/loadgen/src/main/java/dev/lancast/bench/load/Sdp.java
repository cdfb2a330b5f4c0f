package dev.lancast.bench.load;

import dev.lancast.rtc.sdp.Candidate;
import dev.lancast.rtc.sdp.MediaDescription;
import dev.lancast.rtc.sdp.RtpMap;
import dev.lancast.rtc.sdp.SdpException;
import dev.lancast.rtc.sdp.SessionDescription;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/** Reading a server's SDP (a WHEP answer or a Janus offer) into what a load viewer needs. */
final class Sdp {
    private Sdp() {}

    static Negotiated read(String text, Negotiated.Teardown teardown) throws IOException {
        try {
            return read(SessionDescription.parse(text), teardown);
        } catch (SdpException e) {
            throw new IOException("the server's SDP does not parse: " + e.getMessage(), e);
        }
    }

    private static Negotiated read(SessionDescription sdp, Negotiated.Teardown teardown)
            throws IOException, SdpException {
        MediaDescription video =
                kind(sdp, "video").orElseThrow(() -> new IOException("no video m-line in the server's SDP"));
        MediaDescription audio =
                kind(sdp, "audio").orElseThrow(() -> new IOException("no audio m-line in the server's SDP"));
        MediaDescription first = sdp.media().get(0);
        var ice = sdp.ice(first);
        byte[] fingerprint = sdp.fingerprint(first)
                .orElseThrow(() -> new IOException("no fingerprint in the server's SDP"))
                .bytes();
        Candidate candidate = sdp.media().stream()
                .flatMap(m -> m.candidates().stream())
                .filter(c ->
                        "udp".equalsIgnoreCase(c.transport()) && c.address().indexOf(':') < 0)
                .findFirst()
                .orElseThrow(() -> new IOException("no IPv4 UDP candidate in the server's SDP"));
        RtpMap v = codec(video, "VP8")
                .or(() -> codec(video, "H264"))
                .orElseThrow(() -> new IOException("the server's video m-line has neither VP8 nor H264"));
        RtpMap a = codec(audio, "opus").orElseThrow(() -> new IOException("the server's audio m-line has no opus"));
        return new Negotiated(
                new InetSocketAddress(InetAddress.getByName(candidate.address()), candidate.port()),
                ice.ufrag(),
                ice.pwd(),
                fingerprint,
                v.payloadType(),
                v.encoding(),
                a.payloadType(),
                teardown);
    }

    private static Optional<MediaDescription> kind(SessionDescription sdp, String kind) {
        return sdp.media().stream()
                .filter(m -> m.kind().equals(kind) && m.port() != 0)
                .findFirst();
    }

    private static Optional<RtpMap> codec(MediaDescription m, String encoding) {
        return m.rtpMaps().stream()
                .filter(r -> r.encoding().equalsIgnoreCase(encoding))
                .findFirst();
    }
}
