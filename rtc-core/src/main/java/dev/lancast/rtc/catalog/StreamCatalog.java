package dev.lancast.rtc.catalog;

import dev.lancast.rtc.net.Interfaces;
import java.util.List;

/**
 * What the bridge publishes at GET /api/streams and gateways read: for each stream, whether it is
 * live, its tracks (codec, payload type, SSRC, multicast group and port), the key id in use and
 * where gateways send their feedback, and who may watch it (null: anyone).
 */
public record StreamCatalog(List<Stream> streams) {
    public StreamCatalog {
        streams = List.copyOf(streams);
    }

    public record Stream(String name, boolean live, int keyId, String feedback, List<Track> tracks,
                         ViewerAccess viewers) {
        public Stream {
            if (name == null) {
                throw new IllegalArgumentException("a stream without a name");
            }
            tracks = List.copyOf(tracks);
        }

        /** The track of this kind, or null. Called per packet at the gateway, so no stream or iterator. */
        public Track track(String kind) {
            for (int i = 0; i < tracks.size(); i++) {
                if (tracks.get(i).kind().equals(kind)) {
                    return tracks.get(i);
                }
            }
            return null;
        }
    }

    /**
     * codec is null until a broadcaster is live and has chosen one; source is the bridge's address
     * when gateways must join source-specific (SSM), else null.
     */
    public record Track(String kind, String codec, int payloadType, int clockRate, int channels, String fmtp,
                        long ssrc, String group, int port, String source) {
        /** Checked here, so that a gateway can join what it reads without looking names up. */
        public Track {
            if (kind == null) {
                throw new IllegalArgumentException("a track without a kind");
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
    }
}
