package dev.lancast.sender.clip;

/** Receives the clip's RTP payloads at their play-out time. Buffers are only valid during the call. */
public interface MediaSink {
    void video(byte[] payload, int off, int len, long rtpTimestamp90k, boolean marker);

    void audio(byte[] payload, int off, int len, long rtpTimestamp48k);
}
