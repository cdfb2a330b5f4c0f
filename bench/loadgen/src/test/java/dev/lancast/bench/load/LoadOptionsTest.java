package dev.lancast.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {
    private static final URI WHEP = URI.create("http://127.0.0.1:8081/whep/main");

    private static LoadOptions options(int viewers, int seconds, double rate) {
        return new LoadOptions(WHEP, null, 1, null, viewers, seconds, rate, 3, 1, 16, Map.of());
    }

    @Test
    void boundsKeepARunSmallAndShort() {
        assertEquals(5000, options(5000, 500, 50).viewers());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options(5001, 10, 50))
                .getMessage()
                .contains("--viewers"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options(10, 601, 50))
                .getMessage()
                .contains("--seconds"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options(10, 10, 0))
                .getMessage()
                .contains("--join-rate"));
        // 5000 joins at 1/s would take far longer than the ten minutes a run may last.
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options(5000, 10, 1))
                .getMessage()
                .contains("more than"));
        assertEquals(20, new LoadOptions(WHEP, null, 1, null, 10, 10, 50, 3, 1, 16, Map.of(), 20).warmup());
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> new LoadOptions(WHEP, null, 1, null, 10, 10, 50, 3, 1, 16, Map.of(), -1))
                .getMessage()
                .contains("--warmup"));
    }

    @Test
    void exactlyOneServer() {
        assertThrows(
                IllegalArgumentException.class, () -> new LoadOptions(null, null, 1, null, 1, 1, 1, 0, 1, 1, Map.of()));
        assertThrows(
                IllegalArgumentException.class,
                () -> new LoadOptions(WHEP, URI.create("http://127.0.0.1:8088"), 1, null, 1, 1, 1, 0, 1, 1, Map.of()));
    }
}
