package dev.lancast.rtc.sdp;

/** A sendonly audio + video offer for our own WHIP client (Opus and VP8, BUNDLE, rtcp-mux). */
public final class OfferBuilder {
    private String ufrag;
    private String pwd;
    private String fingerprint;
    private String fingerprintAlgorithm;
    private int audioPt = -1;
    private long audioSsrc;
    private int videoPt = -1;
    private long videoSsrc;
    private String cname = "lancast";
    private String streamId = "lancast";
    private String audioTrack = "audio";
    private String videoTrack = "video";

    public OfferBuilder ice(String ufrag, String pwd) {
        this.ufrag = ufrag;
        this.pwd = pwd;
        return this;
    }

    public OfferBuilder fingerprint(String algorithm, String hexWithColons) {
        this.fingerprintAlgorithm = algorithm;
        this.fingerprint = hexWithColons;
        return this;
    }

    public OfferBuilder audio(int pt, long ssrc, String cname, String streamId, String trackId) {
        this.audioPt = pt;
        this.audioSsrc = ssrc;
        this.cname = cname;
        this.streamId = streamId;
        this.audioTrack = trackId;
        return this;
    }

    public OfferBuilder video(int pt, long ssrc, String cname, String streamId, String trackId) {
        this.videoPt = pt;
        this.videoSsrc = ssrc;
        this.cname = cname;
        this.streamId = streamId;
        this.videoTrack = trackId;
        return this;
    }

    public String build() {
        StringBuilder sdp = new StringBuilder(1024);
        AnswerBuilder.line(sdp, "v=0");
        AnswerBuilder.line(sdp, "o=lancast-sender " + System.nanoTime() + " 1 IN IP4 127.0.0.1");
        AnswerBuilder.line(sdp, "s=-");
        AnswerBuilder.line(sdp, "t=0 0");
        AnswerBuilder.line(sdp, "a=group:BUNDLE" + (audioPt >= 0 ? " 0" : "") + (videoPt >= 0 ? " 1" : ""));
        AnswerBuilder.line(sdp, "a=msid-semantic: WMS " + streamId);
        if (audioPt >= 0) {
            section(
                    sdp,
                    "audio",
                    "0",
                    audioPt,
                    "opus/48000/2",
                    "minptime=10;useinbandfec=1",
                    new String[0],
                    audioSsrc,
                    audioTrack);
        }
        if (videoPt >= 0) {
            section(
                    sdp,
                    "video",
                    "1",
                    videoPt,
                    "VP8/90000",
                    null,
                    new String[] {"nack", "nack pli", "ccm fir", "goog-remb"},
                    videoSsrc,
                    videoTrack);
        }
        return sdp.toString();
    }

    private void section(
            StringBuilder sdp,
            String kind,
            String mid,
            int pt,
            String rtpmap,
            String fmtp,
            String[] feedback,
            long ssrc,
            String track) {
        AnswerBuilder.line(sdp, "m=" + kind + " 9 UDP/TLS/RTP/SAVPF " + pt);
        AnswerBuilder.line(sdp, "c=IN IP4 0.0.0.0");
        AnswerBuilder.line(sdp, "a=mid:" + mid);
        AnswerBuilder.line(sdp, "a=ice-ufrag:" + ufrag);
        AnswerBuilder.line(sdp, "a=ice-pwd:" + pwd);
        AnswerBuilder.line(sdp, "a=fingerprint:" + fingerprintAlgorithm + " " + fingerprint);
        AnswerBuilder.line(sdp, "a=setup:actpass");
        AnswerBuilder.line(sdp, "a=sendonly");
        AnswerBuilder.line(sdp, "a=rtcp-mux");
        AnswerBuilder.line(sdp, "a=rtpmap:" + pt + " " + rtpmap);
        if (fmtp != null) {
            AnswerBuilder.line(sdp, "a=fmtp:" + pt + " " + fmtp);
        }
        for (String fb : feedback) {
            AnswerBuilder.line(sdp, "a=rtcp-fb:" + pt + " " + fb);
        }
        AnswerBuilder.line(sdp, "a=msid:" + streamId + " " + track);
        AnswerBuilder.line(sdp, "a=ssrc:" + ssrc + " cname:" + cname);
        AnswerBuilder.line(sdp, "a=ssrc:" + ssrc + " msid:" + streamId + " " + track);
    }
}
