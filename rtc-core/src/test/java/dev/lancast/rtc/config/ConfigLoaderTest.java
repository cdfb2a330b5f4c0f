package dev.lancast.rtc.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    record Track(String group, int port) {
        Track {
            if (port <= 0) {
                throw new IllegalArgumentException("port must be positive, got " + port);
            }
        }
    }

    record Sample(HostPort listen, List<Track> tracks) {}

    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void readsRecords() throws ConfigException {
        Sample s = loader.parse(
                "a.yaml", "listen: 127.0.0.1:8080\ntracks:\n  - group: 239.255.0.1\n    port: 5004\n", Sample.class);
        assertEquals(new HostPort("127.0.0.1", 8080), s.listen());
        assertEquals(5004, s.tracks().get(0).port());
    }

    /** Found by BridgeConfigFuzzTest: a file of only an anchor gave the one message without line:column. */
    @Test
    void aFileWithoutSettingsIsNamedWithAPosition() {
        for (String yaml : new String[] {"&3", "~"}) {
            assertEquals(
                    "a.yaml:1:1: the file holds no settings",
                    assertThrows(ConfigException.class, () -> loader.parse("a.yaml", yaml, Sample.class))
                            .getMessage());
        }
    }

    @Test
    void unknownKeyNamesFileLineColumnAndPath() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> loader.parse(
                        "bridge.yaml",
                        "listen: 127.0.0.1:8080\ntracks:\n  - group: 239.255.0.1\n    prot: 5004\n",
                        Sample.class));
        assertEquals("bridge.yaml:4:5: tracks[0].prot: unknown key 'prot' (known: group, port)", e.getMessage());
    }

    @Test
    void valueRejectedByARecordKeepsItsReason() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> loader.parse("g.yaml", "tracks:\n  - group: 239.255.0.1\n    port: -1\n", Sample.class));
        assertEquals("g.yaml:2:5: tracks[0]: port must be positive, got -1", e.getMessage());
    }

    @Test
    void badHostPort() {
        ConfigException e =
                assertThrows(ConfigException.class, () -> loader.parse("b.yaml", "listen: localhost\n", Sample.class));
        assertEquals(true, e.getMessage().contains("listen: expected host:port, got 'localhost'"), e.getMessage());
    }

    @Test
    void wrongType() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> loader.parse("c.yaml", "tracks:\n  - group: 239.255.0.1\n    port: five\n", Sample.class));
        assertEquals(
                true,
                e.getMessage().startsWith("c.yaml:3:5: tracks[0].port: Cannot deserialize value of type `int`"),
                e.getMessage());
    }
}
