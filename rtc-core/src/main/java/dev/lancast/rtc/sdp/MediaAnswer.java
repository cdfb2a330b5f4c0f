package dev.lancast.rtc.sdp;

/**
 * What we answer for one accepted m-section: direction, the one codec, and for tracks we send,
 * the SSRC with its cname and msid.
 */
public record MediaAnswer(MediaDescription.Direction direction, CodecMatch codec, long ssrc, String cname,
                          String streamId, String trackId) {

    public static MediaAnswer receive(MediaDescription.Direction direction, CodecMatch codec) {
        return new MediaAnswer(direction, codec, -1, null, null, null);
    }

    public static MediaAnswer send(CodecMatch codec, long ssrc, String cname, String streamId, String trackId) {
        return new MediaAnswer(MediaDescription.Direction.SENDONLY, codec, ssrc, cname, streamId, trackId);
    }
}
