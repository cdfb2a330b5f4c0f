package dev.lancast.gateway.relay;

import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.media.Track;

/**
 * What a relay's media path needs of a catalog entry: its tracks, compiled once per entry, by slot
 * (the stream's video layers, then audio), and the ladder of its active layers that viewers are
 * switched on. Immutable: a catalog change is a new plan, handed to the media loop in one
 * assignment. Admission asks it which slot an SSRC is, before any crypto.
 */
final class RelayPlan {
    static final RelayPlan NONE = new RelayPlan(new Track[Track.SLOTS], LayerLadder.NONE);

    private final Track[] tracks;
    private final LayerLadder ladder;

    private RelayPlan(Track[] tracks, LayerLadder ladder) {
        this.tracks = tracks;
        this.ladder = ladder;
    }

    static RelayPlan of(StreamCatalog.Stream entry) {
        Track[] tracks = new Track[Track.SLOTS];
        for (int slot = 0; slot < Track.SLOTS; slot++) {
            tracks[slot] = Track.fromCatalog(entry, slot);
        }
        return new RelayPlan(tracks, LayerLadder.of(entry));
    }

    /** A plan of these tracks, each in its slot, with no ladder (tests, the benchmark). */
    static RelayPlan ofTracks(Track... tracks) {
        Track[] bySlot = new Track[Track.SLOTS];
        for (Track t : tracks) {
            bySlot[t.slot()] = t;
        }
        return new RelayPlan(bySlot, LayerLadder.NONE);
    }

    /** The track in a slot, or null. */
    Track track(int slot) {
        return tracks[slot];
    }

    /** The first video layer's track (the one keyframe requests of a single-layer stream are about), or null. */
    Track video() {
        return tracks[0];
    }

    LayerLadder ladder() {
        return ladder;
    }

    /** The slot of the entry's track with this SSRC, -1 when the SSRC is not one of the entry's. */
    int slotOf(long ssrc) {
        for (int slot = 0; slot < Track.SLOTS; slot++) {
            Track t = tracks[slot];
            if (t != null && t.ssrc() == ssrc) {
                return slot;
            }
        }
        return -1;
    }
}
