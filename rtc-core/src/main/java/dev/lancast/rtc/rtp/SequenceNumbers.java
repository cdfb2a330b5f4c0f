package dev.lancast.rtc.rtp;

/** 16-bit RTP sequence number arithmetic across the wrap. */
public final class SequenceNumbers {
    private SequenceNumbers() {
    }

    /** Signed distance from b to a, in -32768..32767. */
    public static int diff(int a, int b) {
        return (short) (a - b);
    }

    public static boolean isNewer(int a, int b) {
        return diff(a, b) > 0;
    }
}
