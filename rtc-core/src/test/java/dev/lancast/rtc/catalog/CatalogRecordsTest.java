package dev.lancast.rtc.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What gateways read from the bridge is checked where it is read (found by the catalog fuzz tests). */
class CatalogRecordsTest {
    private static final String MATERIAL = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b";
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theBridgesOwnCatalogAndKeysRoundTrip() throws IOException {
        StreamCatalog catalog = new StreamCatalog(List.of(new StreamCatalog.Stream(
                "main",
                true,
                3,
                "192.0.2.10:10002",
                List.of(new StreamCatalog.Track("video", "VP8", 96, 90000, 1, null, 7, "239.255.10.1", 5004, null)),
                null)));
        assertEquals(catalog, json.readValue(json.writeValueAsBytes(catalog), StreamCatalog.class));
        GroupKeys keys =
                new GroupKeys(3, List.of(new GroupKeys.Key(3, MATERIAL, null), new GroupKeys.Key(4, MATERIAL, "main")));
        assertEquals(keys, json.readValue(json.writeValueAsBytes(keys), GroupKeys.class));
        GroupKeys indexed = new GroupKeys(
                3,
                keys.keys(),
                List.of(
                        new GroupKeys.StreamIndex("main", "video", 7, 12, 65000),
                        new GroupKeys.StreamIndex("main", "audio", 0xFFFFFFFFL, 0, 3)),
                null);
        assertEquals(indexed, json.readValue(json.writeValueAsBytes(indexed), GroupKeys.class));
        assertEquals(
                List.of(),
                json.readValue("{\"current\":3,\"keys\":[]}", GroupKeys.class).indexes(),
                "a bridge without indexes (older) gives none");
    }

    @Test
    void aPacketIndexARelayCannotUseIsRefused() {
        assertEquals(
                "packet index kind must be video or audio, got data",
                assertThrows(IllegalArgumentException.class, () -> new GroupKeys.StreamIndex("main", "data", 7, 0, 0))
                        .getMessage());
        assertEquals(
                "sequence number must be 0..65535, got 65536",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new GroupKeys.StreamIndex("main", "video", 7, 0, 65536))
                        .getMessage());
        assertEquals(
                "rollover counter must be 0..2^32-1, got -1",
                assertThrows(IllegalArgumentException.class, () -> new GroupKeys.StreamIndex("main", "video", 7, -1, 0))
                        .getMessage());
        assertEquals(
                "ssrc must be 0..2^32-1, got 4294967296",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new GroupKeys.StreamIndex("main", "video", 1L << 32, 0, 0))
                        .getMessage());
        assertThrows(
                IOException.class,
                () -> json.readValue(
                        "{\"current\":1,\"keys\":[],\"indexes\":[{\"stream\":\"main\","
                                + "\"kind\":\"video\",\"ssrc\":1,\"roc\":0,\"seq\":70000}]}",
                        GroupKeys.class));
    }

    @Test
    void aTrackTheGatewayCannotJoinIsRefused() {
        assertEquals(
                "audio track: group 'null' is not an address",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new StreamCatalog.Track(
                                        "audio", "opus", 111, 48000, 2, null, 1, null, 5006, null))
                        .getMessage());
        assertEquals(
                "video track: group 'bridge.example' is not an address",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new StreamCatalog.Track(
                                        "video", null, 96, 90000, 1, null, 1, "bridge.example", 5004, null))
                        .getMessage());
        assertEquals(
                "video track: port 0 is not 1..65535",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new StreamCatalog.Track(
                                        "video", null, 96, 90000, 1, null, 1, "239.255.0.1", 0, null))
                        .getMessage());
        assertEquals(
                "a track without a kind",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new StreamCatalog.Track(
                                        null, null, 96, 90000, 1, null, 1, "239.255.0.1", 5004, null))
                        .getMessage());
        assertThrows(
                IOException.class,
                () -> json.readValue(
                        "{\"streams\":[{\"name\":\"main\",\"tracks\":[{\"kind\":\"audio\",\"port\":5006}]}]}",
                        StreamCatalog.class));
    }

    @Test
    void aKeyARelayCannotInstallIsRefused() {
        assertEquals(
                "group key must be 56 hex digits (16-byte key + 12-byte salt), got 54",
                assertThrows(IllegalArgumentException.class, () -> new GroupKeys.Key(3, MATERIAL.substring(2), "main"))
                        .getMessage());
        assertEquals(
                "key id must be 0..255, got 256",
                assertThrows(IllegalArgumentException.class, () -> new GroupKeys.Key(256, MATERIAL, "main"))
                        .getMessage());
        assertEquals(
                "group key 1 has no material",
                assertThrows(IllegalArgumentException.class, () -> new GroupKeys.Key(1, null, "main"))
                        .getMessage());
        assertThrows(
                IOException.class,
                () -> json.readValue("{\"current\":1,\"keys\":[{\"id\":1,\"material\":\"ab\"}]}", GroupKeys.class));
    }
}
