package dev.lancast.sender.clip;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** A pre-encoded Opus clip: 20 ms packets at 48 kHz. */
public record AudioClip(int channels, List<byte[]> packets) {
    public static final int SAMPLES_PER_PACKET = 960;

    public AudioClip {
        packets = List.copyOf(packets);
        if (packets.isEmpty()) {
            throw new IllegalArgumentException("a clip needs at least one packet");
        }
    }

    public static AudioClip loadDefault() {
        try (InputStream in = AudioClip.class.getResourceAsStream("/clip/testclip.opus")) {
            if (in == null) {
                throw new IOException("the test clip /clip/testclip.opus is missing from the classpath");
            }
            return OggOpusReader.read(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
