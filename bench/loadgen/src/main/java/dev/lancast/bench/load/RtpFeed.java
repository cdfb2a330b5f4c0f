package dev.lancast.bench.load;

import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.SendTime;
import dev.lancast.rtc.time.WallClock;
import dev.lancast.sender.clip.AudioClip;
import dev.lancast.sender.clip.ClipLoop;
import dev.lancast.sender.clip.MediaSink;
import dev.lancast.sender.clip.VideoClip;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;

/**
 * The test clip of {@code lancast send} as plain RTP to two UDP ports (VP8 PT 96, Opus PT 111):
 * the same packets, at the same sizes and times, for a server that ingests RTP rather than WHIP
 * (a Janus streaming mountpoint in the side-by-side benchmark). Each packet carries the send-time
 * extension, as the bridge's multicast does with {@code multicast.sendTimestamps}.
 */
public final class RtpFeed implements AutoCloseable {
    public static final int VIDEO_PT = 96;
    public static final int AUDIO_PT = 111;

    private final DatagramChannel socket;
    private final InetSocketAddress video;
    private final InetSocketAddress audio;
    private final WallClock clock = new WallClock();
    private final byte[] packet = new byte[1600];
    private final ByteBuffer out = ByteBuffer.wrap(packet);
    private final long videoSsrc;
    private final long audioSsrc;
    private final ClipLoop clip;
    private int videoSeq;
    private int audioSeq;
    private volatile long sent;

    public RtpFeed(InetSocketAddress video, InetSocketAddress audio) throws IOException {
        this.video = video;
        this.audio = audio;
        this.socket = DatagramChannel.open();
        SecureRandom random = new SecureRandom();
        this.videoSsrc = random.nextInt() & 0xFFFFFFFFL;
        this.audioSsrc = random.nextInt() & 0xFFFFFFFFL;
        this.videoSeq = random.nextInt(0x8000);
        this.audioSeq = random.nextInt(0x8000);
        this.clip = new ClipLoop(
                VideoClip.loadDefault(),
                AudioClip.loadDefault(),
                new Sink(),
                random.nextInt() & 0xFFFFFFFFL,
                random.nextInt() & 0xFFFFFFFFL);
    }

    public void start() {
        clip.start();
    }

    public long packetsSent() {
        return sent;
    }

    private void send(
            InetSocketAddress to,
            boolean marker,
            int pt,
            int seq,
            long ts,
            long ssrc,
            byte[] payload,
            int off,
            int len) {
        int h = RtpPacket.writeHeader(packet, 0, marker, pt, seq, ts, ssrc);
        System.arraycopy(payload, off, packet, h, len);
        int n = SendTime.append(packet, 0, h + len, clock.nowMicros());
        out.clear().limit(n);
        try {
            socket.send(out, to);
            sent++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final class Sink implements MediaSink {
        @Override
        public void video(byte[] payload, int off, int len, long rtpTimestamp90k, boolean marker) {
            send(video, marker, VIDEO_PT, videoSeq, rtpTimestamp90k, videoSsrc, payload, off, len);
            videoSeq = (videoSeq + 1) & 0xFFFF;
        }

        @Override
        public void audio(byte[] payload, int off, int len, long rtpTimestamp48k) {
            send(audio, false, AUDIO_PT, audioSeq, rtpTimestamp48k, audioSsrc, payload, off, len);
            audioSeq = (audioSeq + 1) & 0xFFFF;
        }
    }

    @Override
    public void close() throws IOException {
        clip.close();
        socket.close();
    }
}
