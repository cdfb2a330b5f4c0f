package dev.lancast.rtc.catalog;

import dev.lancast.rtc.net.Interfaces;
import java.util.List;

/**
 * What the bridge publishes at GET /api/streams and gateways read: for each stream, whether it is
 * live, its tracks (codec, payload type, SSRC, multicast group and port), the key id in use and
 * where gateways send their feedback, and who may watch it (null: anyone).
 */
public record StreamCatalog(List<Stream> streams) {
    /** Video layers a stream may have: OBS sends up to 4 simulcast encodings, Chromium 3. */
    public static final int MAX_LAYERS = 4;

    public StreamCatalog {
        streams = List.copyOf(streams);
    }

    public record Stream(
            String name, boolean live, int keyId, String feedback, List<Track> tracks, ViewerAccess viewers) {
        public Stream {
            if (name == null) {
                throw new IllegalArgumentException("a stream without a name");
            }
            tracks = List.copyOf(tracks);
        }

        /** The track of this kind (layer 0 of video), or null. No stream or iterator: called often. */
        public Track track(String kind) {
            return track(kind, 0);
        }

        /** The track of this kind and video layer, or null. */
        public Track track(String kind, int layer) {
            for (int i = 0; i < tracks.size(); i++) {
                Track t = tracks.get(i);
                if (t.kind().equals(kind) && t.layer() == layer) {
                    return t;
                }
            }
            return null;
        }

        /** Video layers the stream is configured for (1: a single-layer stream). */
        public int videoLayers() {
            int n = 0;
            for (Track t : tracks) {
                if (t.kind().equals("video")) {
                    n++;
                }
            }
            return n;
        }
    }

    /**
     * codec is null until a broadcaster is live and sends this track (a simulcast layer the
     * current broadcaster does not send has none); source is the bridge's address when gateways
     * must join source-specific (SSM), else null. A video track is one layer of the stream's
     * video (docs/architecture.md, "Layers"): its number, the publisher's RID for it, and what the
     * bridge measures of it (0 while unknown): picture size from its keyframes, bit rate over the
     * last seconds, temporal layers seen (VP8).
     */
    public record Track(
            String kind,
            String codec,
            int payloadType,
            int clockRate,
            int channels,
            String fmtp,
            long ssrc,
            String group,
            int port,
            String source,
            int layer,
            String rid,
            int width,
            int height,
            long bitrate,
            int temporalLayers) {
        /** Checked here, so that a gateway can join what it reads without looking names up. */
        public Track {
            if (kind == null) {
                throw new IllegalArgumentException("a track without a kind");
            }
            if (layer < 0 || layer >= MAX_LAYERS) {
                throw new IllegalArgumentException(kind + " track: layer " + layer + " is not 0.." + (MAX_LAYERS - 1));
            }
            if (width < 0 || height < 0 || bitrate < 0 || temporalLayers < 0 || temporalLayers > 4) {
                throw new IllegalArgumentException(kind + " track: negative size, bit rate or temporal layers");
            }
            if (group == null || !Interfaces.isAddressLiteral(group)) {
                throw new IllegalArgumentException(kind + " track: group '" + group + "' is not an address");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(kind + " track: port " + port + " is not 1..65535");
            }
            if (source != null && !Interfaces.isAddressLiteral(source)) {
                throw new IllegalArgumentException(kind + " track: source '" + source + "' is not an address");
            }
        }

        /** A track of layer 0 with nothing measured (a single-layer stream, or audio). */
        public Track(
                String kind,
                String codec,
                int payloadType,
                int clockRate,
                int channels,
                String fmtp,
                long ssrc,
                String group,
                int port,
                String source) {
            this(kind, codec, payloadType, clockRate, channels, fmtp, ssrc, group, port, source, 0, null, 0, 0, 0, 0);
        }

        /** Whether the current broadcaster sends this track. */
        public boolean active() {
            return codec != null;
        }
    }
}
