package dev.lancast.rtc.peer;

import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.dtls.DtlsRole;
import dev.lancast.rtc.dtls.SrtpKeys;
import dev.lancast.rtc.ice.IceCredentials;
import io.netty.channel.socket.DatagramChannel;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Benchmark-only (bench/jmh, in rtc-core's package to reach a package-private method): server
 * sessions in the state a completed ICE check and DTLS handshake leave them, keyed with given SRTP
 * keys, so a benchmark can drive the media path of many sessions without sockets or handshakes.
 * Event loop of the channel only.
 */
public final class KeyedPeers {
    private static final IceCredentials LOCAL = new IceCredentials("bench", "benchbenchbenchbenchbench");
    private static final IceCredentials REMOTE = new IceCredentials("peer", "peerpeerpeerpeerpeerpeer");

    private KeyedPeers() {}

    /**
     * A session that sends to {@code remote} on {@code channel}, connected with {@code keys} as its
     * handshake's end would (the listener hears onConnected); its DTLS never starts.
     */
    public static PeerConnection connected(
            String id,
            DatagramChannel channel,
            DtlsCertificate certificate,
            SrtpKeys keys,
            InetSocketAddress remote,
            PeerConnection.Listener listener) {
        PeerConnection pc = new PeerConnection(
                id,
                LOCAL,
                REMOTE,
                DtlsRole.SERVER,
                certificate,
                new byte[32],
                channel,
                task -> {
                    throw new IllegalStateException("a keyed benchmark session runs no handshake");
                },
                Duration.ofSeconds(10),
                listener,
                System::nanoTime);
        pc.onIcePath(remote, true);
        pc.onKeys(keys);
        return pc;
    }
}
