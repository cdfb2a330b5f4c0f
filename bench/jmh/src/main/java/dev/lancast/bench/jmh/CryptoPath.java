package dev.lancast.bench.jmh;

import java.lang.reflect.Field;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import org.jitsi.srtp.crypto.Aes;
import org.jitsi.srtp.crypto.HmacSha1;
import org.jitsi.srtp.crypto.JitsiOpenSslProvider;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * Which implementation jitsi-srtp's ciphers and MAC come from. The product pins OpenSSL for AES
 * where libjitsisrtp loads (rtc-core SrtpCryptoPath), else AES from whichever factory wins a
 * micro-benchmark jitsi-srtp runs on first use
 * (OpenSSL through its bundled libjitsisrtp, SunJCE, BouncyCastle), HMAC-SHA1 from OpenSSL
 * whenever libjitsisrtp loads. A benchmark pins one path here, once per JVM (jitsi-srtp keeps the
 * choice in static state, so each path needs a JMH fork of its own) and before the first SRTP
 * context is made.
 */
public enum CryptoPath {
    /** AES and HMAC-SHA1 through libjitsisrtp (OpenSSL's libcrypto). */
    OPENSSL("OpenSSL"),
    /** AES and HMAC-SHA1 from the JDK (SunJCE, with its AES-NI intrinsics). */
    JAVA("SunJCE");

    private final String factory;

    CryptoPath(String factory) {
        this.factory = factory;
    }

    /** Whether libjitsisrtp loaded (it needs OpenSSL 1.1 or 3 on the machine). */
    public static boolean openSslAvailable() {
        return JitsiOpenSslProvider.isLoaded();
    }

    /**
     * Pins this path for the rest of the JVM and checks that jitsi-srtp now hands out ciphers and
     * MACs of it; fails if it cannot (OpenSSL asked for where libjitsisrtp does not load).
     */
    public void select() {
        if (this == OPENSSL && !openSslAvailable()) {
            throw new IllegalStateException("jitsi-srtp's OpenSSL path is not available on this machine "
                    + "(libjitsisrtp did not load: OpenSSL 1.1 or 3 missing?)");
        }
        Aes.setFactoryClassName(factory);
        if (this == JAVA) {
            useJdkMac();
        }
        String gcm = providerOf(Aes.createCipher("AES/GCM/NoPadding"));
        String ctr = providerOf(Aes.createCipher("AES/CTR/NoPadding"));
        Mac mac = HmacSha1.createMac(new LoggerImpl(CryptoPath.class.getName()));
        String hmac = mac.getProvider().getName();
        String expected = this == OPENSSL ? "JitsiOpenSslProvider" : "SunJCE";
        if (!gcm.equals(expected) || !ctr.equals(expected) || !hmac.equals(expected)) {
            throw new IllegalStateException(name() + " path asked for, but jitsi-srtp gives AES-GCM from " + gcm
                    + ", AES-CTR from " + ctr + ", HMAC-SHA1 from " + hmac);
        }
    }

    private static String providerOf(Cipher cipher) {
        return cipher.getProvider().getName();
    }

    /**
     * jitsi-srtp has no switch for its MAC: HmacSha1 tries libjitsisrtp first whenever it loaded.
     * Its provider list is filled once, so filling it first with the JDK's alone picks the JDK's.
     */
    private static void useJdkMac() {
        Provider sunJce = Security.getProvider("SunJCE");
        try {
            Field providers = HmacSha1.class.getDeclaredField("providers");
            providers.setAccessible(true);
            providers.set(null, List.of(sunJce));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("jitsi-srtp's HmacSha1 changed: cannot pin the JDK's HMAC-SHA1", e);
        }
    }
}
