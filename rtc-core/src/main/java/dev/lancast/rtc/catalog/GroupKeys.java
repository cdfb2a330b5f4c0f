package dev.lancast.rtc.catalog;

import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.srtp.PacketIndex;
import java.util.HexFormat;
import java.util.List;

/**
 * What the bridge hands an authenticated gateway at GET /api/keys: every key it may meet
 * (previous, current, next of each stream, and of the feedback keyring) as 56 hex digits (key and
 * salt), the id of the feedback key in use, which gateways protect their feedback with, and for
 * each stream's SSRC the SRTP packet index (rollover counter and sequence number) of the latest
 * packet sent on the group. Each stream has keys of its own: a relay installs only its stream's.
 * The index is the stream's, whatever key protects it (a new key continues it), so a gateway that
 * joins at any moment starts its SRTP contexts at the right ROC, as EKT (RFC 8870) carries it.
 *
 * @param current        the feedback key to use now
 * @param indexes        the packet index of each track of each stream that has sent anything (none before that)
 * @param viewerTokenKey the bridge's secret that viewer tokens are MACed with in the public catalog
 *                       ({@link ViewerAccess}), as hex; null from a bridge that has none
 */
public record GroupKeys(int current, List<Key> keys, List<StreamIndex> indexes, String viewerTokenKey) {
    public GroupKeys {
        keys = List.copyOf(keys);
        indexes = indexes == null ? List.of() : List.copyOf(indexes);
        if (viewerTokenKey != null) {
            HexFormat.of().parseHex(viewerTokenKey); // checked here, so a gateway can use what it reads
        }
    }

    public GroupKeys(int current, List<Key> keys) {
        this(current, keys, List.of(), null);
    }

    /** The viewer-token secret as bytes, or null. */
    public byte[] viewerTokenSecret() {
        return viewerTokenKey == null ? null : HexFormat.of().parseHex(viewerTokenKey);
    }

    /**
     * Checked here, so that a relay can install every key it is handed.
     *
     * @param stream the stream whose media the key protects; null for the feedback keyring
     */
    public record Key(int id, String material, String stream) {
        public Key {
            if (material == null) {
                throw new IllegalArgumentException("group key " + id + " has no material");
            }
            GroupKey.fromHex(id, material);
        }
    }

    /**
     * The index of the latest RTP packet the bridge sent on this track ("video" or "audio", and the
     * video layer) of this stream.
     */
    public record StreamIndex(String stream, String kind, long ssrc, long roc, int seq, int layer) {
        public StreamIndex {
            if (stream == null) {
                throw new IllegalArgumentException("a packet index without a stream");
            }
            if (!"video".equals(kind) && !"audio".equals(kind)) {
                throw new IllegalArgumentException("packet index kind must be video or audio, got " + kind);
            }
            if (ssrc < 0 || ssrc > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("ssrc must be 0..2^32-1, got " + ssrc);
            }
            PacketIndex.of(roc, seq);
            if (layer < 0 || layer >= StreamCatalog.MAX_LAYERS || ("audio".equals(kind) && layer != 0)) {
                throw new IllegalArgumentException("packet index layer must be 0.." + (StreamCatalog.MAX_LAYERS - 1)
                        + " (0 for audio), got " + layer);
            }
        }

        /** The index of a track of layer 0. */
        public StreamIndex(String stream, String kind, long ssrc, long roc, int seq) {
            this(stream, kind, ssrc, roc, seq, 0);
        }

        public long index() {
            return PacketIndex.of(roc, seq);
        }
    }
}
