package dev.lancast.rtc.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * What we answer for one accepted m-section: direction, the one codec, for tracks we send the SSRC
 * with its cname and msid, and further attribute values (without "a="): header extensions in use,
 * the simulcast streams received.
 */
public record MediaAnswer(
        MediaDescription.Direction direction,
        CodecMatch codec,
        long ssrc,
        String cname,
        String streamId,
        String trackId,
        List<String> attributes) {
    public MediaAnswer {
        attributes = attributes == null ? List.of() : List.copyOf(attributes);
        for (String a : attributes) {
            if (a.isEmpty() || a.indexOf('\r') >= 0 || a.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("an answer attribute is one non-empty line, not '" + a + "'");
            }
        }
    }

    public static MediaAnswer receive(MediaDescription.Direction direction, CodecMatch codec) {
        return new MediaAnswer(direction, codec, -1, null, null, null, List.of());
    }

    public static MediaAnswer send(CodecMatch codec, long ssrc, String cname, String streamId, String trackId) {
        return new MediaAnswer(MediaDescription.Direction.SENDONLY, codec, ssrc, cname, streamId, trackId, List.of());
    }

    /** The same answer with these attribute values added. */
    public MediaAnswer with(List<String> more) {
        List<String> all = new ArrayList<>(attributes);
        all.addAll(more);
        return new MediaAnswer(direction, codec, ssrc, cname, streamId, trackId, all);
    }
}
