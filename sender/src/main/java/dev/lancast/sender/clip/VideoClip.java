package dev.lancast.sender.clip;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** A pre-encoded VP8 clip: frames in decode order with their presentation times. */
public record VideoClip(int width, int height, int timebaseNumerator, int timebaseDenominator, List<Frame> frames) {
    public VideoClip {
        frames = List.copyOf(frames);
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("a clip needs at least one frame");
        }
    }

    /** data is the whole VP8 frame; keyframe is read from the frame tag (RFC 6386 9.1). */
    public record Frame(byte[] data, long pts, boolean keyframe) {}

    /** Frame duration in 90 kHz RTP ticks, from the IVF timebase (one frame per pts unit). */
    public long ticksPerFrame() {
        return 90_000L * timebaseNumerator / timebaseDenominator;
    }

    public static VideoClip loadDefault() {
        try (InputStream in = VideoClip.class.getResourceAsStream("/clip/testclip.ivf")) {
            if (in == null) {
                throw new IOException("the test clip /clip/testclip.ivf is missing from the classpath");
            }
            return IvfReader.read(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
