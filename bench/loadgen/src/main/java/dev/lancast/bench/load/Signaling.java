package dev.lancast.bench.load;

import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.ice.IceCredentials;
import java.net.InetSocketAddress;

/** How a load viewer gets a session from a server: WHEP, or the Janus streaming plugin's API. */
interface Signaling {
    /**
     * Negotiates one receive-only audio+video session for a viewer with these ICE credentials and
     * certificate, whose UDP socket is {@code local}. Blocks on HTTP; called off the media loops.
     */
    Negotiated negotiate(IceCredentials local, DtlsCertificate certificate, InetSocketAddress localSocket)
            throws Exception;

    /** A name for the report: "lancast" or "janus". */
    String server();
}
