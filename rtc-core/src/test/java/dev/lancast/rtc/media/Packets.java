package dev.lancast.rtc.media;

import dev.lancast.rtc.rtp.RtpPacket;

/** RTP packets and tracks for the stages' tests. */
final class Packets {
    static final long MS = 1_000_000L;
    static final Track VIDEO = new Track(Track.Kind.VIDEO, 0x1111, 90000, 96, Track.Codec.VP8, null);
    static final Track AUDIO = new Track(Track.Kind.AUDIO, 0x2222, 48000, 111, Track.Codec.OPUS, null);

    private Packets() {}

    /** A packet of payloadLength bytes (filled with 7s) in its own array, wrapped by a new view. */
    static RtpPacket rtp(int pt, int seq, long ts, long ssrc, boolean marker, int payloadLength) {
        byte[] buf = new byte[RtpPacket.FIXED_HEADER + payloadLength];
        RtpPacket.writeHeader(buf, 0, marker, pt, seq, ts, ssrc);
        java.util.Arrays.fill(buf, RtpPacket.FIXED_HEADER, buf.length, (byte) 7);
        RtpPacket p = new RtpPacket();
        if (!p.wrap(buf, 0, buf.length)) {
            throw new IllegalStateException(p.invalidReason());
        }
        return p;
    }

    static RtpPacket rtp(int seq, long ssrc) {
        return rtp(96, seq, seq * 3000L, ssrc, false, 100);
    }
}
