package dev.lancast.gateway.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.net.Interfaces;
import java.io.IOException;
import org.junit.jupiter.api.Tag;

/**
 * Any body of GET /api/streams, read as CatalogPoller reads it: either an IOException or a
 * catalog the gateway can act on without further checks (every stream named, every track with a
 * kind, an address literal for group and source, a port it can join), which writes back to JSON that reads as the same catalog.
 * Seeds: StreamCatalogFuzzTestInputs/body.
 */
@Tag("long")
class StreamCatalogFuzzTest {
    private final ObjectMapper json = new ObjectMapper();

    @FuzzTest
    void body(byte[] body) throws IOException {
        StreamCatalog catalog;
        try {
            catalog = json.readValue(body, StreamCatalog.class);
        } catch (IOException e) {
            return;
        }
        if (catalog == null) {
            return;
        }
        for (StreamCatalog.Stream s : catalog.streams()) {
            assertNotNull(s.name(), "stream without a name");
            s.track("video");
            s.track("audio");
            for (StreamCatalog.Track t : s.tracks()) {
                assertNotNull(t.kind(), "track without a kind");
                assertTrue(t.group() != null && Interfaces.isAddressLiteral(t.group()), "group " + t.group());
                assertTrue(t.source() == null || Interfaces.isAddressLiteral(t.source()), "source " + t.source());
                assertTrue(t.port() >= 1 && t.port() <= 65535, "track port " + t.port());
            }
        }
        assertEquals(catalog, json.readValue(json.writeValueAsBytes(catalog), StreamCatalog.class));
    }
}
