package dev.lancast.sender.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClipTest {
    @Test
    void theCommittedClipHasAKeyframeEverySecond() {
        VideoClip video = VideoClip.loadDefault();
        assertEquals(640, video.width());
        assertEquals(120, video.frames().size());
        assertEquals(3000, video.ticksPerFrame());
        for (int i = 0; i < video.frames().size(); i++) {
            assertEquals(i % 30 == 0, video.frames().get(i).keyframe(), "frame " + i);
        }
        AudioClip audio = AudioClip.loadDefault();
        assertEquals(2, audio.channels());
        assertTrue(
                audio.packets().size() >= 195,
                "about 4 s of 20 ms packets: " + audio.packets().size());
    }

    @Test
    void malformedIvfIsRejectedWithTheOffset() {
        assertEquals(
                "IVF header truncated: 4 of 32 bytes",
                assertThrows(ClipFormatException.class, () -> IvfReader.read(new byte[4]))
                        .getMessage());
        byte[] header = new byte[32];
        assertEquals(
                "byte 0: not an IVF file (no DKIF signature)",
                assertThrows(ClipFormatException.class, () -> IvfReader.read(header))
                        .getMessage());
        byte[] truncated = Arrays.copyOf(validIvfStart(), 32 + 12 + 3);
        assertTrue(assertThrows(ClipFormatException.class, () -> IvfReader.read(truncated))
                .getMessage()
                .startsWith("byte 32: frame of"));
    }

    private static byte[] validIvfStart() {
        byte[] b = new byte[32 + 12 + 10];
        b[0] = 'D';
        b[1] = 'K';
        b[2] = 'I';
        b[3] = 'F';
        b[6] = 32;
        b[8] = 'V';
        b[9] = 'P';
        b[10] = '8';
        b[11] = '0';
        b[16] = 30;
        b[20] = 1;
        b[32] = 10;
        return b;
    }

    @Test
    void malformedOggIsRejected() {
        assertEquals(
                "byte 0: no OggS capture pattern",
                assertThrows(ClipFormatException.class, () -> OggOpusReader.read(new byte[40]))
                        .getMessage());
    }

    @Test
    void payloaderSplitsAndNumbersFrames() {
        Vp8Payloader payloader = new Vp8Payloader(104, 0x7FFF);
        byte[] frame = new byte[250];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) i;
        }
        List<byte[]> payloads = new ArrayList<>();
        List<Boolean> lasts = new ArrayList<>();
        payloader.packetize(frame, (buf, off, len, last) -> {
            payloads.add(Arrays.copyOfRange(buf, off, off + len));
            lasts.add(last);
        });
        assertEquals(3, payloads.size());
        assertEquals(List.of(false, false, true), lasts);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < payloads.size(); i++) {
            byte[] p = payloads.get(i);
            assertEquals(i == 0, (p[0] & 0x10) != 0, "S bit only on the first packet");
            assertEquals(0x7FFF, ((p[2] & 0x7F) << 8) | (p[3] & 0xFF));
            joined.write(p, 4, p.length - 4);
        }
        assertArrayEquals(frame, joined.toByteArray());
        assertEquals(0, payloader.pictureId(), "PictureID wraps after 0x7FFF");
    }

    @Test
    void timestampsContinueAcrossLoops() {
        VideoClip video = VideoClip.loadDefault();
        AudioClip audio = AudioClip.loadDefault();
        List<Long> videoTs = new ArrayList<>();
        List<Long> audioTs = new ArrayList<>();
        MediaSink sink = new MediaSink() {
            @Override
            public void video(byte[] payload, int off, int len, long ts, boolean marker) {
                if (marker) {
                    videoTs.add(ts);
                }
            }

            @Override
            public void audio(byte[] payload, int off, int len, long ts) {
                audioTs.add(ts);
            }
        };
        ClipLoop loop = new ClipLoop(video, audio, sink, 0xFFFF0000L, 100);
        long elapsed = 0;
        while (elapsed < 9_000_000_000L) { // more than two loops of the 4 s clip
            elapsed += loop.emitDue(elapsed);
        }
        assertEquals(271, videoTs.size());
        for (int i = 1; i < videoTs.size(); i++) {
            assertEquals((videoTs.get(i - 1) + 3000) & 0xFFFFFFFFL, videoTs.get(i), "frame " + i);
        }
        for (int i = 1; i < audioTs.size(); i++) {
            assertEquals(audioTs.get(i - 1) + 960, audioTs.get(i));
        }
        assertEquals(450, audioTs.size(), "0 .. 8.98 s in 20 ms steps");
    }

    @Test
    void closeStopsTheThread() throws Exception {
        int[] count = new int[1];
        ClipLoop loop = new ClipLoop(
                VideoClip.loadDefault(),
                AudioClip.loadDefault(),
                new MediaSink() {
                    @Override
                    public void video(byte[] p, int o, int l, long ts, boolean m) {
                        count[0]++;
                    }

                    @Override
                    public void audio(byte[] p, int o, int l, long ts) {}
                },
                0,
                0);
        loop.start();
        Thread.sleep(200);
        loop.close();
        int after = count[0];
        Thread.sleep(200);
        assertEquals(after, count[0]);
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("lancast-sender-clip")));
    }
}
