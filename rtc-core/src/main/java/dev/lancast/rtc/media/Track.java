package dev.lancast.rtc.media;

import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.config.HostPort;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * One media track as the per-packet path needs it, compiled once from the SDP (bridge) or the
 * catalog (gateway) and never from a JSON record per packet: its kind, the SSRC it is known by
 * downstream (the multicast SSRC), its clock rate, the payload type it arrives with, its codec and
 * where feedback about it goes, already resolved to a socket address. Immutable: a change is a new
 * Track handed to the media loop in one assignment ({@link TrackPipeline#use}).
 *
 * @param feedback the address NACKs and PLIs about this track are sent to (the bridge's feedback
 *                 port, at a gateway); null where feedback goes back on the session it came from
 */
public record Track(Kind kind, long ssrc, int clockRate, int payloadType, Codec codec, InetSocketAddress feedback) {
    public enum Kind {
        VIDEO(90000), AUDIO(48000);

        /** How many kinds there are: arrays indexed by {@link #ordinal()}. */
        public static final int COUNT = 2;

        private final int clockRate;

        Kind(int clockRate) {
            this.clockRate = clockRate;
        }

        /** The catalog's and the SDP's name of the kind. */
        public String label() {
            return this == VIDEO ? "video" : "audio";
        }

        /** The RTP clock rate of every codec lancast carries of this kind (VP8 and H.264 90 kHz, Opus 48 kHz). */
        public int clockRate() {
            return clockRate;
        }

        /** The kind of a catalog or SDP name ("video", "audio"). */
        public static Kind of(String label) {
            return switch (label) {
                case "video" -> VIDEO;
                case "audio" -> AUDIO;
                default -> throw new IllegalArgumentException("a track kind is video or audio, not " + label);
            };
        }
    }

    /** The codecs lancast carries (codecs pass through untouched; these only tell keyframes apart). */
    public enum Codec {
        VP8, H264, OPUS,
        /** Not chosen yet (no broadcaster live) or not one lancast knows. */
        UNKNOWN;

        public static Codec of(String encoding) {
            if (encoding == null) {
                return UNKNOWN;
            }
            return switch (encoding.toUpperCase(Locale.ROOT)) {
                case "VP8" -> VP8;
                case "H264" -> H264;
                case "OPUS" -> OPUS;
                default -> UNKNOWN;
            };
        }
    }

    public Track {
        if (kind == null) {
            throw new IllegalArgumentException("a track without a kind");
        }
        if (clockRate <= 0) {
            throw new IllegalArgumentException(kind.label() + " track: clock rate " + clockRate + " is not positive");
        }
        if (codec == null) {
            codec = Codec.UNKNOWN;
        }
    }

    public boolean isVideo() {
        return kind == Kind.VIDEO;
    }

    /**
     * A track known by its kind alone: what stages past the payload readers need (a viewer shard's
     * caches at a gateway, which get the keyframe marks with the packets).
     */
    public static Track ofKind(Kind kind) {
        return new Track(kind, -1, kind.clockRate(), -1, Codec.UNKNOWN, null);
    }

    /**
     * The track of this kind in a catalog entry, or null when the entry has none; the entry's
     * feedback address is parsed here, once per catalog change.
     */
    public static Track fromCatalog(StreamCatalog.Stream entry, Kind kind) {
        StreamCatalog.Track t = entry.track(kind.label());
        if (t == null) {
            return null;
        }
        InetSocketAddress feedback = entry.feedback() == null ? null : HostPort.parse(entry.feedback()).toSocketAddress();
        return new Track(kind, t.ssrc(), t.clockRate() > 0 ? t.clockRate() : kind.clockRate(),
                t.payloadType(), Codec.of(t.codec()), feedback);
    }
}
