package dev.lancast.rtc.sdp;

import java.util.List;
import java.util.Map;

/** A codec found in an offer's m-section, with its fmtp and the feedback the offer lists for it. */
public record CodecMatch(
        int payloadType, RtpMap rtpMap, String fmtp, Map<String, String> fmtpParams, List<String> rtcpFeedback) {
    public CodecMatch {
        fmtpParams = Map.copyOf(fmtpParams);
        rtcpFeedback = List.copyOf(rtcpFeedback);
    }

    /** The same codec, keeping only the feedback types we support of those offered. */
    public CodecMatch withFeedback(List<String> supported) {
        return new CodecMatch(
                payloadType,
                rtpMap,
                fmtp,
                fmtpParams,
                rtcpFeedback.stream().filter(supported::contains).toList());
    }
}
