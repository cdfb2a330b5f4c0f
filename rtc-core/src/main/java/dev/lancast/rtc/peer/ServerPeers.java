package dev.lancast.rtc.peer;

import dev.lancast.rtc.dtls.DtlsCertificate;
import dev.lancast.rtc.dtls.DtlsRole;
import dev.lancast.rtc.ice.IceCredentials;
import dev.lancast.rtc.ice.IceLiteServer;
import dev.lancast.rtc.sdp.AnswerBuilder;
import dev.lancast.rtc.sdp.CodecMatch;
import dev.lancast.rtc.sdp.Fingerprint;
import dev.lancast.rtc.sdp.IceFragment;
import dev.lancast.rtc.sdp.MediaDescription;
import dev.lancast.rtc.sdp.SdpException;
import dev.lancast.rtc.sdp.SessionDescription;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Turns a browser's offer into a server-side session on the shared ICE-lite port: checks the
 * transport parameters every WHIP/WHEP offer must carry, creates the session (DTLS server, since
 * we answer a=setup:passive) and starts the answer with what the transport needs.
 */
public final class ServerPeers {
    /** An offer whose transport parameters are usable; media choices are left to the caller. */
    public record Offer(SessionDescription sdp, IceCredentials remoteIce, byte[] remoteFingerprint) {}

    /** The m-section chosen for one kind of media and its codec; index -1 when none fits. */
    public record Choice(int index, CodecMatch codec) {
        public boolean found() {
            return index >= 0;
        }
    }

    /**
     * The first open m-section of this kind that the filter accepts and in which the chooser finds
     * a codec. Later sections of the same kind are rejected in the answer.
     */
    public static Choice choose(
            List<MediaDescription> media,
            String kind,
            Predicate<MediaDescription> filter,
            Function<MediaDescription, Optional<CodecMatch>> chooser) {
        for (int i = 0; i < media.size(); i++) {
            MediaDescription m = media.get(i);
            if (m.offered() && m.kind().equals(kind) && filter.test(m)) {
                Optional<CodecMatch> codec = chooser.apply(m);
                if (codec.isPresent()) {
                    return new Choice(i, codec.get());
                }
                return new Choice(-1, null);
            }
        }
        return new Choice(-1, null);
    }

    private final IceLiteServer ice;
    private final DtlsCertificate certificate;
    private final Executor dtlsExecutor;
    private final String advertisedHost;
    private final Duration handshakeTimeout;
    private final SecureRandom random;
    /** The sessions' clock (consent, first-sighting budgets). */
    private final LongSupplier nanos;

    public ServerPeers(
            IceLiteServer ice,
            DtlsCertificate certificate,
            Executor dtlsExecutor,
            String advertisedHost,
            Duration handshakeTimeout,
            SecureRandom random,
            LongSupplier nanos) {
        this.ice = ice;
        this.nanos = nanos;
        this.certificate = certificate;
        this.dtlsExecutor = dtlsExecutor;
        this.advertisedHost = advertisedHost;
        this.handshakeTimeout = handshakeTimeout;
        this.random = random;
    }

    /** Parses and checks an offer; the exception message is fit for a 400 response. */
    public static Offer parseOffer(String text) throws SdpException {
        SessionDescription sdp = SessionDescription.parse(text);
        if (sdp.media().isEmpty()) {
            throw new SdpException("the offer has no media section");
        }
        MediaDescription first = sdp.media().get(0);
        var iceParams = sdp.ice(first);
        if (iceParams == null || iceParams.ufrag() == null || iceParams.pwd() == null) {
            throw new SdpException("the offer has no a=ice-ufrag/a=ice-pwd");
        }
        IceCredentials remote;
        try {
            remote = new IceCredentials(iceParams.ufrag(), iceParams.pwd());
        } catch (IllegalArgumentException e) {
            throw new SdpException("bad ICE credentials: " + e.getMessage());
        }
        Fingerprint fp = sdp.fingerprint(first).orElseThrow(() -> new SdpException("the offer has no a=fingerprint"));
        if (!fp.algorithm().equalsIgnoreCase("sha-256")) {
            throw new SdpException("fingerprint algorithm " + fp.algorithm() + " is not supported (use sha-256)");
        }
        String setup = sdp.setup(first).orElse("actpass");
        if (!setup.equals("actpass") && !setup.equals("active")) {
            throw new SdpException("a=setup:" + setup + " is not possible: this server is always DTLS passive");
        }
        for (MediaDescription m : sdp.media()) {
            if (m.offered() && m.protocol().contains("RTP") && !m.rtcpMux()) {
                throw new SdpException("m-line " + m.kind() + " lacks a=rtcp-mux, which is required");
            }
        }
        byte[] digest = fp.bytes();
        if (digest.length != 32) {
            throw new SdpException("a sha-256 fingerprint has 32 bytes, this one has " + digest.length);
        }
        return new Offer(sdp, remote, digest);
    }

    /**
     * A session for an offer that {@code client} (the address the offer came from) sent: its ICE
     * checks from that address have a STUN budget of their own ({@link IceLiteServer#expectChecksFrom}).
     */
    public PeerConnection create(String id, Offer offer, InetAddress client, PeerConnection.Listener listener) {
        IceCredentials local = IceCredentials.generate(random);
        PeerConnection pc = new PeerConnection(
                id,
                local,
                offer.remoteIce(),
                DtlsRole.SERVER,
                certificate,
                offer.remoteFingerprint(),
                ice.channel(),
                dtlsExecutor,
                handshakeTimeout,
                listener,
                nanos);
        ice.register(pc);
        ice.expectChecksFrom(client);
        pc.startDtls();
        return pc;
    }

    /** An answer with the transport lines filled in (ICE-lite, our credentials, fingerprint, candidate). */
    public AnswerBuilder answer(Offer offer, PeerConnection pc) {
        return new AnswerBuilder(offer.sdp())
                .sessionId(random.nextLong() & Long.MAX_VALUE)
                .iceLite(true)
                .ice(pc.localIce().ufrag(), pc.localIce().pwd())
                .fingerprint("sha-256", certificate.fingerprintSha256())
                .setup("passive")
                .candidate(advertisedHost, ice.localAddress().getPort(), 2130706431L);
    }

    /**
     * Restarts ICE for a session with the client's new credentials; returns the fragment with ours
     * (RFC 9725 4.3.2).
     */
    public String restartIce(PeerConnection pc, IceCredentials remote, IceFragment offered) {
        IceCredentials local = IceCredentials.generate(random);
        ice.restart(pc, local, remote);
        return offered.answer(
                local.ufrag(),
                local.pwd(),
                AnswerBuilder.hostCandidate(advertisedHost, ice.localAddress().getPort(), 2130706431L));
    }

    public static String newSessionId(SecureRandom random) {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
