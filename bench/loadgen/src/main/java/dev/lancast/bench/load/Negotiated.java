package dev.lancast.bench.load;

import java.net.InetSocketAddress;

/**
 * What signaling settled for one viewer: where the server's ICE-lite candidate is, its ICE
 * credentials and DTLS fingerprint, and which payload types carry video and audio.
 *
 * @param teardown ends the session at the server (WHEP DELETE, Janus destroy)
 */
record Negotiated(
        InetSocketAddress server,
        String remoteUfrag,
        String remotePwd,
        byte[] fingerprint,
        int videoPt,
        String videoCodec,
        int audioPt,
        Teardown teardown) {
    @FunctionalInterface
    interface Teardown {
        void run() throws Exception;
    }
}
