package dev.lancast.rtc.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lancast.rtc.sdp.SdpException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ServerPeersTest {
    private static String chromeOffer() throws IOException {
        try (InputStream in = ServerPeersTest.class.getResourceAsStream("/sdp/chrome-whip-offer.sdp")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aBrowserOfferIsUsable() throws Exception {
        assertEquals(32, ServerPeers.parseOffer(chromeOffer()).remoteFingerprint().length);
    }

    /** Found by SdpFuzzTest: a digest of the wrong length was accepted and only failed the DTLS handshake. */
    @Test
    void aSha256FingerprintOfAnotherLengthIsRefused() throws Exception {
        String offer = chromeOffer().replaceAll("(a=fingerprint:sha-256 [0-9A-F:]+)", "$1:AB:CD");
        assertEquals(
                "a sha-256 fingerprint has 32 bytes, this one has 34",
                assertThrows(SdpException.class, () -> ServerPeers.parseOffer(offer))
                        .getMessage());
    }
}
