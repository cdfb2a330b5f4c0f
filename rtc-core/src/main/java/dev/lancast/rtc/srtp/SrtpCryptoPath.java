package dev.lancast.rtc.srtp;

import org.jitsi.srtp.crypto.Aes;
import org.jitsi.srtp.crypto.JitsiOpenSslProvider;

/**
 * Which AES implementation SRTP runs on. Left alone, jitsi-srtp picks one by a micro-benchmark the
 * first time a cipher is asked for: on a machine busy at start-up (a gateway started with a
 * lecture's join burst, or beside a build) that race can go to SunJCE, whose AES-GCM costs several
 * times OpenSSL's and allocates about 1 KB per packet (docs/benchmarks.md, "JMH"). Processes pin
 * OpenSSL through jitsi-srtp's bundled {@code libjitsisrtp} wherever it loads, once at start, before
 * the first SRTP session; where it does not load, jitsi-srtp's own choice stands.
 */
public final class SrtpCryptoPath {
    private SrtpCryptoPath() {}

    /** Pins OpenSSL if it loads; returns what SRTP will run on, for the start-up log. Call once, at start. */
    public static String pinOpenSslIfAvailable() {
        if (JitsiOpenSslProvider.isLoaded()) {
            Aes.setFactoryClassName("OpenSSL");
            return "OpenSSL (libjitsisrtp)";
        }
        return "jitsi-srtp's own pick (libjitsisrtp did not load: OpenSSL 1.1 or 3 missing?)";
    }

    /**
     * Makes jitsi-srtp build its cipher factories now, on the calling thread: the first cipher it
     * is asked for builds all of them, BouncyCastle's provider among them (4-5 s on a busy 2-core
     * machine). A process root calls this at start, so that the first key a media loop installs
     * does not stall the loop (a gateway's group joins and silence timers waited behind it).
     */
    public static void warmUp() {
        Aes.createCipher("AES/GCM/NoPadding");
        Aes.createCipher("AES/CTR/NoPadding");
    }
}
