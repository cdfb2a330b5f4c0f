package dev.lancast.gateway.relay;

import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.media.Track;

/**
 * What a relay's media path needs of a catalog entry: its tracks, compiled once per entry, by slot
 * (the {@link Track.Kind} ordinal). Immutable: a catalog change is a new plan, handed to the media
 * loop in one assignment. Admission asks it which slot an SSRC is, before any crypto.
 */
record RelayPlan(Track video, Track audio) {
    static final RelayPlan NONE = new RelayPlan(null, null);

    static RelayPlan of(StreamCatalog.Stream entry) {
        return new RelayPlan(Track.fromCatalog(entry, Track.Kind.VIDEO), Track.fromCatalog(entry, Track.Kind.AUDIO));
    }

    /** The track in a slot, or null. */
    Track track(int slot) {
        return slot == Track.Kind.VIDEO.ordinal() ? video : audio;
    }

    /** The slot of the entry's track with this SSRC, -1 when the SSRC is not one of the entry's. */
    int slotOf(long ssrc) {
        if (video != null && ssrc == video.ssrc()) {
            return Track.Kind.VIDEO.ordinal();
        }
        return audio != null && ssrc == audio.ssrc() ? Track.Kind.AUDIO.ordinal() : -1;
    }
}
