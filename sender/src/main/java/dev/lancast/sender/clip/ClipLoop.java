package dev.lancast.sender.clip;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Plays a video and an audio clip forever in real time. Each emission is scheduled from the start
 * time plus n periods (no drift), and RTP timestamps keep growing across loops, so receivers see
 * one continuous stream. Runs on one thread it owns.
 */
public final class ClipLoop implements AutoCloseable {
    private static final long AUDIO_PERIOD_NANOS = 20_000_000L;

    private final VideoClip video;
    private final AudioClip audio;
    private final MediaSink sink;
    private final long videoTsBase;
    private final long audioTsBase;
    private final long videoPeriodNanos;
    private final Vp8Payloader payloader;
    private final AtomicLong keyframeRequests = new AtomicLong();
    private final Thread thread;
    private volatile boolean running;
    private long videoIndex;
    private long audioIndex;

    public ClipLoop(VideoClip video, AudioClip audio, MediaSink sink, long videoTsBase, long audioTsBase) {
        this.video = video;
        this.audio = audio;
        this.sink = sink;
        this.videoTsBase = videoTsBase;
        this.audioTsBase = audioTsBase;
        this.videoPeriodNanos = 1_000_000_000L * video.timebaseNumerator() / video.timebaseDenominator();
        this.payloader = new Vp8Payloader(1100, (int) (videoTsBase & 0x7FFF));
        this.thread = new Thread(this::run, "lancast-sender-clip");
        this.thread.setDaemon(true);
    }

    public void start() {
        running = true;
        thread.start();
    }

    /** The clip is pre-encoded and has a keyframe every second; requests are only counted. */
    public void requestKeyframe() {
        keyframeRequests.incrementAndGet();
    }

    public long keyframeRequests() {
        return keyframeRequests.get();
    }

    /** RTP timestamp of the n-th video frame since the start (continues across loops). */
    long videoTimestamp(long n) {
        return (videoTsBase + n * video.ticksPerFrame()) & 0xFFFFFFFFL;
    }

    long audioTimestamp(long n) {
        return (audioTsBase + n * AudioClip.SAMPLES_PER_PACKET) & 0xFFFFFFFFL;
    }

    /** Emits everything due at elapsedNanos since the start; returns nanos until the next emission. */
    long emitDue(long elapsedNanos) {
        while (videoIndex * videoPeriodNanos <= elapsedNanos) {
            VideoClip.Frame frame =
                    video.frames().get((int) (videoIndex % video.frames().size()));
            long ts = videoTimestamp(videoIndex);
            payloader.packetize(frame.data(), (buf, off, len, last) -> sink.video(buf, off, len, ts, last));
            videoIndex++;
        }
        while (audioIndex * AUDIO_PERIOD_NANOS <= elapsedNanos) {
            byte[] packet =
                    audio.packets().get((int) (audioIndex % audio.packets().size()));
            sink.audio(packet, 0, packet.length, audioTimestamp(audioIndex));
            audioIndex++;
        }
        long next = Math.min(videoIndex * videoPeriodNanos, audioIndex * AUDIO_PERIOD_NANOS);
        return next - elapsedNanos;
    }

    private void run() {
        long start = System.nanoTime();
        while (running) {
            long wait = emitDue(System.nanoTime() - start);
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
