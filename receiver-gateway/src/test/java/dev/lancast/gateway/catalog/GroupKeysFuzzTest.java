package dev.lancast.gateway.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancast.rtc.catalog.GroupKeys;
import dev.lancast.rtc.multicast.GroupKey;
import java.io.IOException;
import org.junit.jupiter.api.Tag;

/**
 * Any body of GET /api/keys, read as CatalogPoller reads it: either an IOException or keys the
 * relays can install as they are (ids 0..255 that index their receiver table, 56 hex digits of key
 * and salt), which write back to JSON that reads as the same keys. Seeds: GroupKeysFuzzTestInputs/body.
 */
@Tag("long")
class GroupKeysFuzzTest {
    private final ObjectMapper json = new ObjectMapper();

    @FuzzTest
    void body(byte[] body) throws IOException {
        GroupKeys keys;
        try {
            keys = json.readValue(body, GroupKeys.class);
        } catch (IOException e) {
            return;
        }
        if (keys == null) {
            return;
        }
        for (GroupKeys.Key k : keys.keys()) {
            // What StreamRelay.updateKeys and FeedbackSender.updateKeys do with each key.
            GroupKey key = GroupKey.fromHex(k.id(), k.material());
            assertEquals(k.id(), key.id());
        }
        assertEquals(keys, json.readValue(json.writeValueAsBytes(keys), GroupKeys.class));
    }
}
