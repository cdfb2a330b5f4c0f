package dev.lancast.rtc.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes the answer to an offer: one section per offered m-line, in order, either accepted with
 * one codec or rejected (port 0). Transport lines (ICE, fingerprint, setup, candidate) go in every
 * accepted section, as BUNDLE with max-bundle peers expects; ICE credentials, fingerprint and
 * setup go in rejected sections too, since some stacks (GStreamer's webrtcbin) read them from
 * every section and refuse an answer where one lacks them.
 */
public final class AnswerBuilder {
    private final SessionDescription offer;
    private final MediaAnswer[] answers;
    private final List<String> candidates = new ArrayList<>();
    private long sessionId = 1;
    private boolean iceLite;
    private String ufrag;
    private String pwd;
    private String fingerprintAlgorithm;
    private String fingerprint;
    private String setup = "passive";

    public AnswerBuilder(SessionDescription offer) {
        this.offer = offer;
        this.answers = new MediaAnswer[offer.media().size()];
    }

    public AnswerBuilder sessionId(long id) {
        this.sessionId = id;
        return this;
    }

    public AnswerBuilder iceLite(boolean lite) {
        this.iceLite = lite;
        return this;
    }

    public AnswerBuilder ice(String ufrag, String pwd) {
        this.ufrag = ufrag;
        this.pwd = pwd;
        return this;
    }

    public AnswerBuilder fingerprint(String algorithm, String hexWithColons) {
        this.fingerprintAlgorithm = algorithm;
        this.fingerprint = hexWithColons;
        return this;
    }

    public AnswerBuilder setup(String setup) {
        this.setup = setup;
        return this;
    }

    public AnswerBuilder candidate(String ip, int port, long priority) {
        candidates.add(hostCandidate(ip, port, priority));
        return this;
    }

    /** The value of our one a=candidate line: a UDP host candidate. */
    public static String hostCandidate(String ip, int port, long priority) {
        return "candidate:1 1 udp " + priority + " " + ip + " " + port + " typ host";
    }

    public AnswerBuilder accept(int index, MediaAnswer answer) {
        answers[index] = answer;
        return this;
    }

    public AnswerBuilder reject(int index) {
        answers[index] = null;
        return this;
    }

    public String build() {
        StringBuilder sdp = new StringBuilder(1024);
        line(sdp, "v=0");
        line(sdp, "o=lancast " + sessionId + " 1 IN IP4 127.0.0.1");
        line(sdp, "s=lancast");
        line(sdp, "t=0 0");
        List<String> mids = new ArrayList<>();
        for (int i = 0; i < answers.length; i++) {
            String mid = offer.media().get(i).mid();
            if (answers[i] != null && mid != null) {
                mids.add(mid);
            }
        }
        if (!mids.isEmpty()) {
            line(sdp, "a=group:BUNDLE " + String.join(" ", mids));
        }
        if (iceLite) {
            line(sdp, "a=ice-lite");
        }
        line(sdp, "a=msid-semantic: WMS *");
        for (int i = 0; i < answers.length; i++) {
            MediaDescription offered = offer.media().get(i);
            if (answers[i] == null) {
                rejected(sdp, offered);
            } else {
                accepted(sdp, offered, answers[i]);
            }
        }
        return sdp.toString();
    }

    private void rejected(StringBuilder sdp, MediaDescription offered) {
        String format = offered.formats().isEmpty() ? "0" : offered.formats().get(0);
        line(sdp, "m=" + offered.kind() + " 0 " + offered.protocol() + " " + format);
        line(sdp, "c=IN IP4 0.0.0.0");
        if (offered.mid() != null) {
            line(sdp, "a=mid:" + offered.mid());
        }
        transport(sdp);
        line(sdp, "a=inactive");
    }

    private void accepted(StringBuilder sdp, MediaDescription offered, MediaAnswer answer) {
        CodecMatch codec = answer.codec();
        line(sdp, "m=" + offered.kind() + " 9 UDP/TLS/RTP/SAVPF " + codec.payloadType());
        line(sdp, "c=IN IP4 0.0.0.0");
        if (offered.mid() != null) {
            line(sdp, "a=mid:" + offered.mid());
        }
        transport(sdp);
        line(sdp, "a=" + answer.direction().attribute());
        line(sdp, "a=rtcp-mux");
        if (offered.hasFlag("rtcp-rsize")) {
            line(sdp, "a=rtcp-rsize");
        }
        RtpMap map = codec.rtpMap();
        line(
                sdp,
                "a=rtpmap:" + codec.payloadType() + " " + map.encoding() + "/" + map.clockRate()
                        + (map.channels() > 1 ? "/" + map.channels() : ""));
        if (codec.fmtp() != null) {
            line(sdp, "a=fmtp:" + codec.payloadType() + " " + codec.fmtp());
        }
        for (String fb : codec.rtcpFeedback()) {
            line(sdp, "a=rtcp-fb:" + codec.payloadType() + " " + fb);
        }
        for (String attribute : answer.attributes()) {
            line(sdp, "a=" + attribute);
        }
        if (answer.ssrc() >= 0) {
            line(sdp, "a=msid:" + answer.streamId() + " " + answer.trackId());
            line(sdp, "a=ssrc:" + answer.ssrc() + " cname:" + answer.cname());
            line(sdp, "a=ssrc:" + answer.ssrc() + " msid:" + answer.streamId() + " " + answer.trackId());
        }
        for (String candidate : candidates) {
            line(sdp, "a=" + candidate);
        }
        line(sdp, "a=end-of-candidates");
    }

    private void transport(StringBuilder sdp) {
        if (ufrag != null) {
            line(sdp, "a=ice-ufrag:" + ufrag);
            line(sdp, "a=ice-pwd:" + pwd);
        }
        if (fingerprint != null) {
            line(sdp, "a=fingerprint:" + fingerprintAlgorithm + " " + fingerprint);
        }
        line(sdp, "a=setup:" + setup);
    }

    static void line(StringBuilder sdp, String line) {
        sdp.append(line).append("\r\n");
    }
}
