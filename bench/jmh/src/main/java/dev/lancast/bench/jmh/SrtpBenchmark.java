package dev.lancast.bench.jmh;

import dev.lancast.rtc.srtp.SrtpProfile;
import dev.lancast.rtc.srtp.SrtpReceiver;
import dev.lancast.rtc.srtp.SrtpSender;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SRTP protect and unprotect of one RTP packet with rtc-core's {@link SrtpSender} and
 * {@link SrtpReceiver} (jitsi-srtp underneath), per packet size, protection profile and crypto
 * path. The size is the plain RTP packet (12-byte header and payload); protection adds the tag.
 *
 * <p>protect: copy the plain packet into the send buffer and protect it there, as
 * PeerConnection.writeRtp does for each viewer; each call takes the next sequence number.
 * unprotect: copy one protected packet of a prepared run of consecutive sequence numbers into
 * the receive buffer and unprotect it in place (the copy stands for nothing the product does: it
 * is the price of getting a fresh packet, as large as the one in protect). When the run is used
 * up, a new receiver replays it from the start: one key derivation every {@value #RUN} packets.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SrtpBenchmark {
    static final int RUN = 4096;
    private static final long SSRC = 0x1234_5678L;

    @Param({"160", "500", "1200"})
    public int size;

    @Param({"AEAD_AES_128_GCM", "AES128_CM_HMAC_SHA1_80"})
    public SrtpProfile profile;

    @Param({"OPENSSL", "JAVA"})
    public CryptoPath crypto;

    private byte[] key;
    private byte[] salt;
    private byte[] plain;
    private final byte[] buffer = new byte[2048];
    private SrtpSender sender;
    private int seq;
    private byte[][] protectedRun;
    private int[] protectedLength;
    private SrtpReceiver receiver;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        crypto.select();
        SplittableRandom random = new SplittableRandom(7);
        key = new byte[profile.keyLength()];
        salt = new byte[profile.saltLength()];
        random.nextBytes(key);
        random.nextBytes(salt);
        plain = new byte[size];
        random.nextBytes(plain);
        RtpHeaders.write(plain, 0, 96, 0, 90_000, SSRC);
        sender = new SrtpSender(profile, key, salt);

        try (SrtpSender source = new SrtpSender(profile, key, salt)) {
            protectedRun = new byte[RUN][];
            protectedLength = new int[RUN];
            for (int i = 0; i < RUN; i++) {
                byte[] packet = new byte[size + profile.rtpOverhead()];
                System.arraycopy(plain, 0, packet, 0, size);
                RtpHeaders.setSequenceNumber(packet, 0, i);
                protectedLength[i] = source.protectRtp(packet, 0, size);
                if (protectedLength[i] != size + profile.rtpOverhead()) {
                    throw new IllegalStateException("protect failed while preparing packet " + i);
                }
                protectedRun[i] = packet;
            }
        }
        receiver = new SrtpReceiver(profile, key, salt);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sender.close();
        receiver.close();
    }

    @Benchmark
    public int protect() {
        System.arraycopy(plain, 0, buffer, 0, size);
        RtpHeaders.setSequenceNumber(buffer, 0, seq++ & 0xFFFF);
        int n = sender.protectRtp(buffer, 0, size);
        if (n < 0) {
            throw new IllegalStateException("protect failed");
        }
        return n;
    }

    @Benchmark
    public int unprotect() {
        if (next == RUN) {
            receiver.close();
            receiver = new SrtpReceiver(profile, key, salt);
            next = 0;
        }
        int len = protectedLength[next];
        System.arraycopy(protectedRun[next++], 0, buffer, 0, len);
        int n = receiver.unprotectRtp(buffer, 0, len);
        if (n != size) {
            throw new IllegalStateException("unprotect failed: " + SrtpReceiver.reason(n));
        }
        return n;
    }
}
