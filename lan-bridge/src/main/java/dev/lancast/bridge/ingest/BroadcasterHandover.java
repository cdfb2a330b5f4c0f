package dev.lancast.bridge.ingest;

import dev.lancast.rtc.peer.PeerConnection;
import dev.lancast.rtc.peer.SessionIds;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;

/**
 * Which WHIP session is a stream's broadcaster. A new authenticated broadcaster replaces the
 * current one (RFC 9725 leaves this to us), but only once its session connects: a POST whose peer
 * never completes ICE and DTLS (a dead offer, or a token holder's mistake) leaves the live
 * broadcaster on air. A newer POST before that replaces the waiting one. The seat changes on the
 * media loop; the broadcaster and its codecs may be read from any thread.
 */
final class BroadcasterHandover {
    private final String stream;
    private final Logger log;
    private final EventLoop loop;
    private final BroadcasterRtcp upstream;
    private final IngestPath path;
    private final LayerKeyframes keyframes;

    private volatile PeerConnection broadcaster;
    /** A new WHIP session that has not connected yet, with its codecs; it takes over once it connects. Media loop. */
    private PeerConnection pending;

    private IngestCodecs pendingCodecs;
    private volatile IngestCodecs codecs;

    /**
     * @param log      the stream's logger: a handover is logged as the stream's
     * @param upstream the RTCP to the broadcaster, which follows it on air (as do path and keyframes)
     */
    BroadcasterHandover(
            String stream,
            Logger log,
            EventLoop loop,
            BroadcasterRtcp upstream,
            IngestPath path,
            LayerKeyframes keyframes) {
        this.stream = stream;
        this.log = log;
        this.loop = loop;
        this.upstream = upstream;
        this.path = path;
        this.keyframes = keyframes;
    }

    PeerConnection broadcaster() {
        return broadcaster;
    }

    IngestCodecs codecs() {
        return codecs;
    }

    /** A new WHIP session waits to take over, in place of any session that was waiting. Media loop. */
    void hold(PeerConnection pc, IngestCodecs negotiated) {
        assert loop.inEventLoop();
        PeerConnection waiting = pending;
        pending = pc;
        pendingCodecs = negotiated;
        if (waiting != null && waiting != pc) {
            waiting.close("replaced by a newer WHIP session before it connected");
        }
        log.info(
                "stream {}: broadcaster session {} attached; it takes over once connected",
                stream,
                SessionIds.forLog(pc.id()));
    }

    /** A session connected: true when it was the waiting one and is now on air. Media loop. */
    boolean connected(PeerConnection pc) {
        if (pc != pending) {
            return false; // replaced while it connected
        }
        takeOver(pc);
        return true;
    }

    private void takeOver(PeerConnection pc) {
        assert loop.inEventLoop();
        PeerConnection old = broadcaster;
        broadcaster = pc;
        upstream.use(pc);
        codecs = pendingCodecs;
        path.use(pendingCodecs);
        pending = null;
        pendingCodecs = null;
        keyframes.reset(); // a new encoder: its keyframe budgets start afresh
        if (old != null && old != pc) {
            old.close("replaced by a new WHIP session");
        }
    }

    /** A session closed: the waiting one is forgotten, the broadcaster leaves the air. Media loop. */
    void closed(PeerConnection pc, String reason) {
        assert loop.inEventLoop();
        if (pending == pc) {
            pending = null;
            pendingCodecs = null;
            log.info(
                    "stream {}: waiting broadcaster session {} closed before it connected ({})",
                    stream,
                    SessionIds.forLog(pc.id()),
                    reason);
        }
        if (broadcaster == pc) {
            broadcaster = null;
            upstream.use(null);
            log.info("stream {}: broadcaster left ({})", stream, reason);
        }
    }
}
