package dev.lancast.rtc.media;

import dev.lancast.rtc.rtp.RtpPacket;
import java.util.Objects;

/**
 * The stages of one track in a fixed order: each packet passes them one after the other until one
 * drops it. Video and audio are two instances with their own stages. The pipeline notices a new
 * source (an SSRC other than the last one) and tells every stage, and its owner, before the new
 * source's first packet. Nothing is allocated per packet. One media loop only (its owner asserts
 * it); a new {@link Track} (a catalog change) comes in by {@link #use}.
 */
public final class TrackPipeline {
    /** Told when the source of a track changed under the pipeline (not at the first source). */
    public interface SourceListener {
        void onSourceChanged(Track track, long previousSsrc, long nextSsrc, long nowNanos);
    }

    private static final SourceListener NONE = (track, previous, next, now) -> {};

    private final Stage[] stages;
    private final SourceListener listener;
    private Track track;
    private long sourceSsrc = -1;

    public TrackPipeline(Track track, SourceListener listener, Stage... stages) {
        this.track = Objects.requireNonNull(track, "track");
        this.listener = listener == null ? NONE : listener;
        this.stages = stages.clone();
    }

    public TrackPipeline(Track track, Stage... stages) {
        this(track, null, stages);
    }

    public Track track() {
        return track;
    }

    /** The track descriptor from now on (same kind; a new catalog entry). */
    public void use(Track next) {
        if (next.kind() != track.kind()) {
            throw new IllegalArgumentException(
                    "a " + track.kind() + " pipeline cannot carry a " + next.kind() + " track");
        }
        track = next;
    }

    /** The SSRC of the source seen last, or -1 before the first packet. */
    public long sourceSsrc() {
        return sourceSsrc;
    }

    /**
     * Tells every stage that the source changed although the SSRC did not (downstream of a
     * rewriter, which keeps one SSRC across sources): what was learnt of the old one goes.
     */
    public void sourceChanged(long nowNanos) {
        for (Stage s : stages) {
            s.onSourceChanged(track, nowNanos);
        }
    }

    /** Runs one packet through the stages; false when one dropped it. */
    public boolean onRtp(RtpPacket packet, long nowNanos) {
        long ssrc = packet.ssrc();
        if (ssrc != sourceSsrc) {
            long previous = sourceSsrc;
            sourceSsrc = ssrc;
            if (previous >= 0) {
                for (Stage s : stages) {
                    s.onSourceChanged(track, nowNanos);
                }
                listener.onSourceChanged(track, previous, ssrc, nowNanos);
            }
        }
        for (Stage s : stages) {
            if (!s.onRtp(track, packet, nowNanos)) {
                return false;
            }
        }
        return true;
    }

    /** A sender report of senderSsrc through the stages; true when one of them took it. */
    public boolean onSenderReport(long senderSsrc, long ntp, long rtpTimestamp, long nowNanos) {
        boolean taken = false;
        for (Stage s : stages) {
            taken |= s.onSenderReport(track, senderSsrc, ntp, rtpTimestamp, nowNanos);
        }
        return taken;
    }

    public void tick(long nowNanos, FeedbackPort out) {
        for (Stage s : stages) {
            s.onTick(track, nowNanos, out);
        }
    }

    public void report(long nowNanos, FeedbackPort out) {
        for (Stage s : stages) {
            s.onReport(track, nowNanos, out);
        }
    }
}
