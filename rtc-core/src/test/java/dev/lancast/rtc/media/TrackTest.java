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
        StreamCatalog.Stream entry = new StreamCatalog.Stream("main", true, 1, "198.18.0.1:5005", List.of(
                new StreamCatalog.Track("video", "vp8", 96, 90000, 1, null, 0xABCD, "239.255.0.1", 5004, null)), null);
        Track video = Track.fromCatalog(entry, Track.Kind.VIDEO);
        assertEquals(new Track(Track.Kind.VIDEO, 0xABCD, 90000, 96, Track.Codec.VP8,
                new InetSocketAddress("198.18.0.1", 5005)), video);
        assertNull(Track.fromCatalog(entry, Track.Kind.AUDIO), "no audio track in this entry");
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
