package dev.lancast.bench.jmh;

/** Writes the fixed RTP header (RFC 3550 5.1) of the packets the benchmarks feed in. */
final class RtpHeaders {
    private RtpHeaders() {}

    static void write(byte[] b, int off, int payloadType, int seq, long timestamp, long ssrc) {
        b[off] = (byte) 0x80;
        b[off + 1] = (byte) (payloadType & 0x7F);
        setSequenceNumber(b, off, seq);
        putInt(b, off + 4, timestamp);
        putInt(b, off + 8, ssrc);
    }

    static void setSequenceNumber(byte[] b, int off, int seq) {
        b[off + 2] = (byte) (seq >>> 8);
        b[off + 3] = (byte) seq;
    }

    private static void putInt(byte[] b, int at, long v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
