package dev.lancast.sender.clip;

/**
 * Splits VP8 frames into RTP payloads (RFC 7741): each starts with the payload descriptor (X=1,
 * S on the first of a frame, PID 0) and a 15-bit PictureID that grows by one per frame.
 */
public final class Vp8Payloader {
    /** Receives one payload; last is true for the frame's final packet (the RTP marker). */
    @FunctionalInterface
    public interface Consumer {
        void payload(byte[] buf, int off, int len, boolean last);
    }

    private static final int DESCRIPTOR = 4;

    private final int maxPayload;
    private final byte[] scratch;
    private int pictureId;

    public Vp8Payloader(int maxPayload, int firstPictureId) {
        if (maxPayload <= DESCRIPTOR) {
            throw new IllegalArgumentException("maxPayload must exceed the 4-byte descriptor");
        }
        this.maxPayload = maxPayload;
        this.scratch = new byte[maxPayload];
        this.pictureId = firstPictureId & 0x7FFF;
    }

    public void packetize(byte[] frame, Consumer out) {
        int chunk = maxPayload - DESCRIPTOR;
        for (int pos = 0; pos < frame.length; pos += chunk) {
            int n = Math.min(chunk, frame.length - pos);
            scratch[0] = (byte) (0x80 | (pos == 0 ? 0x10 : 0)); // X, S, PID 0
            scratch[1] = (byte) 0x80; // I: PictureID present
            scratch[2] = (byte) (0x80 | (pictureId >>> 8)); // M: 15-bit PictureID
            scratch[3] = (byte) pictureId;
            System.arraycopy(frame, pos, scratch, DESCRIPTOR, n);
            out.payload(scratch, 0, DESCRIPTOR + n, pos + n >= frame.length);
        }
        pictureId = (pictureId + 1) & 0x7FFF;
    }

    public int pictureId() {
        return pictureId;
    }
}
