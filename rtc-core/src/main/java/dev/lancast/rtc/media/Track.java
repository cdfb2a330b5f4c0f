package dev.lancast.rtc.media;

import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.config.HostPort;
import java.net.InetSocketAddress;

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
        VIDEO, AUDIO;

        /** The catalog's and the SDP's name of the kind. */
        public String label() {
            return this == VIDEO ? "video" : "audio";
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
            return switch (encoding.toUpperCase(java.util.Locale.ROOT)) {
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
     * The track of this kind in a catalog entry, or null when the entry has none; the entry's
     * feedback address is parsed here, once per catalog change.
     */
    public static Track fromCatalog(StreamCatalog.Stream entry, Kind kind) {
        StreamCatalog.Track t = entry.track(kind.label());
        if (t == null) {
            return null;
        }
        InetSocketAddress feedback = entry.feedback() == null ? null : HostPort.parse(entry.feedback()).toSocketAddress();
        return new Track(kind, t.ssrc(), t.clockRate() > 0 ? t.clockRate() : kind == Kind.VIDEO ? 90000 : 48000,
                t.payloadType(), Codec.of(t.codec()), feedback);
    }
}
