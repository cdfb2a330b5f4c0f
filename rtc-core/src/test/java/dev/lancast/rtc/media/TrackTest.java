package dev.lancast.rtc.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lancast.rtc.catalog.StreamCatalog;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrackTest {
    @Test
    void aCatalogTrackIsCompiledOnceWithItsFeedbackAddressResolved() {
        StreamCatalog.Stream entry = new StreamCatalog.Stream(
                "main",
                true,
                1,
                "198.18.0.1:5005",
                List.of(new StreamCatalog.Track("video", "vp8", 96, 90000, 1, null, 0xABCD, "239.255.0.1", 5004, null)),
                null);
        Track video = Track.fromCatalog(entry, 0);
        assertEquals(
                new Track(
                        Track.Kind.VIDEO,
                        0xABCD,
                        90000,
                        96,
                        Track.Codec.VP8,
                        new InetSocketAddress("198.18.0.1", 5005)),
                video);
        assertNull(Track.fromCatalog(entry, Track.AUDIO_SLOT), "no audio track in this entry");
        assertNull(Track.fromCatalog(entry, 1), "no second video layer in this entry");
    }

    @Test
    void slotsAreVideoLayersThenAudio() {
        StreamCatalog.Stream entry = new StreamCatalog.Stream(
                "main",
                true,
                1,
                null,
                List.of(
                        new StreamCatalog.Track("video", "vp8", 96, 90000, 1, null, 0x10, "239.255.0.1", 5004, null),
                        new StreamCatalog.Track(
                                "video",
                                "vp8",
                                96,
                                90000,
                                1,
                                null,
                                0x11,
                                "239.255.0.2",
                                5004,
                                null,
                                1,
                                "h",
                                640,
                                360,
                                500_000,
                                3),
                        new StreamCatalog.Track("audio", "opus", 111, 48000, 2, null, 0x20, "239.255.0.9", 5006, null)),
                null);
        assertEquals(0x11, Track.fromCatalog(entry, 1).ssrc());
        assertEquals(1, Track.fromCatalog(entry, 1).layer());
        assertEquals(1, Track.fromCatalog(entry, 1).slot());
        assertEquals(
                Track.Kind.AUDIO, Track.fromCatalog(entry, Track.AUDIO_SLOT).kind());
        assertEquals(
                Track.AUDIO_SLOT, Track.fromCatalog(entry, Track.AUDIO_SLOT).slot());
        assertEquals(2, entry.videoLayers());
        assertEquals("video.1", Track.slotLabel(1));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Track(Track.Kind.AUDIO, 1, 48000, 111, null, null, 1),
                "audio has one layer");
        assertThrows(
                IllegalArgumentException.class,
                () -> new Track(Track.Kind.VIDEO, 1, 90000, 96, null, null, Track.MAX_LAYERS));
    }

    @Test
    void codecsAreToldOnceAndUnknownOnesStayUnknown() {
        assertEquals(Track.Codec.H264, Track.Codec.of("H264"));
        assertEquals(Track.Codec.OPUS, Track.Codec.of("opus"));
        assertEquals(Track.Codec.UNKNOWN, Track.Codec.of(null), "no broadcaster yet");
        assertEquals(Track.Codec.UNKNOWN, Track.Codec.of("AV1"));
        assertThrows(IllegalArgumentException.class, () -> new Track(Track.Kind.AUDIO, 1, 0, 111, null, null));
    }
}
