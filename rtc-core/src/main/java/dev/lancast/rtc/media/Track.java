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
 * <p>A stream's tracks sit in <em>slots</em>, the index of every per-track array on the media path:
 * video layers 0..{@link #MAX_LAYERS}-1 (a simulcast publisher's encodings, each on its own
 * multicast group; a single-layer stream has layer 0 only), then audio ({@link #AUDIO_SLOT}).
 *
 * @param feedback the address NACKs and PLIs about this track are sent to (the bridge's feedback
 *                 port, at a gateway); null where feedback goes back on the session it came from
 * @param layer    the video layer (0 for a single-layer stream, and for audio)
 */
public record Track(
        Kind kind, long ssrc, int clockRate, int payloadType, Codec codec, InetSocketAddress feedback, int layer) {
    /** Video layers a stream may have (OBS sends up to 4 simulcast encodings, Chromium 3). */
    public static final int MAX_LAYERS = StreamCatalog.MAX_LAYERS;
    /** The audio track's slot, after the video layers'. */
    public static final int AUDIO_SLOT = MAX_LAYERS;
    /** Slots of a stream: arrays of per-track state on the media path are this long. */
    public static final int SLOTS = MAX_LAYERS + 1;

    public enum Kind {
        VIDEO(90000),
        AUDIO(48000);

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
        VP8,
        H264,
        OPUS,
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
        if (layer < 0 || layer >= MAX_LAYERS || (kind == Kind.AUDIO && layer != 0)) {
            throw new IllegalArgumentException(kind.label() + " track: layer " + layer + " is not 0.."
                    + (MAX_LAYERS - 1) + (kind == Kind.AUDIO ? " (audio has layer 0 only)" : ""));
        }
        if (clockRate <= 0) {
            throw new IllegalArgumentException(kind.label() + " track: clock rate " + clockRate + " is not positive");
        }
        if (codec == null) {
            codec = Codec.UNKNOWN;
        }
    }

    /** A track of layer 0 (audio, or a single-layer video stream). */
    public Track(Kind kind, long ssrc, int clockRate, int payloadType, Codec codec, InetSocketAddress feedback) {
        this(kind, ssrc, clockRate, payloadType, codec, feedback, 0);
    }

    public boolean isVideo() {
        return kind == Kind.VIDEO;
    }

    /** This track's slot: its layer for video, {@link #AUDIO_SLOT} for audio. */
    public int slot() {
        return slotOf(kind, layer);
    }

    public static int slotOf(Kind kind, int layer) {
        return kind == Kind.VIDEO ? layer : AUDIO_SLOT;
    }

    /** The kind of the track in a slot. */
    public static Kind kindOfSlot(int slot) {
        return slot == AUDIO_SLOT ? Kind.AUDIO : Kind.VIDEO;
    }

    /** The video layer of a slot (0 for audio). */
    public static int layerOfSlot(int slot) {
        return slot == AUDIO_SLOT ? 0 : slot;
    }

    /** A slot's name in logs and status: "video", "video.1" (layer 1), "audio". */
    public static String slotLabel(int slot) {
        return slot == AUDIO_SLOT ? "audio" : slot == 0 ? "video" : "video." + slot;
    }

    /**
     * A track known by its kind alone: what stages past the payload readers need (a viewer shard's
     * caches at a gateway, which get the keyframe marks with the packets).
     */
    public static Track ofKind(Kind kind) {
        return ofSlot(slotOf(kind, 0));
    }

    /** A track known by its slot alone (kind and layer), as {@link #ofKind}. */
    public static Track ofSlot(int slot) {
        Kind kind = kindOfSlot(slot);
        return new Track(kind, -1, kind.clockRate(), -1, Codec.UNKNOWN, null, layerOfSlot(slot));
    }

    /**
     * The track in a slot of a catalog entry, or null when the entry has none; the entry's
     * feedback address is parsed here, once per catalog change.
     */
    public static Track fromCatalog(StreamCatalog.Stream entry, int slot) {
        Kind kind = kindOfSlot(slot);
        StreamCatalog.Track t = entry.track(kind.label(), layerOfSlot(slot));
        if (t == null) {
            return null;
        }
        InetSocketAddress feedback = entry.feedback() == null
                ? null
                : HostPort.parse(entry.feedback()).toSocketAddress();
        return new Track(
                kind,
                t.ssrc(),
                t.clockRate() > 0 ? t.clockRate() : kind.clockRate(),
                t.payloadType(),
                Codec.of(t.codec()),
                feedback,
                layerOfSlot(slot));
    }
}
