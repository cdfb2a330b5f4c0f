package dev.lancast.sender.whip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesUpToTheMaximumAndStartsAgainAfterAReset() {
        Backoff backoff = new Backoff(500, 8_000);
        long[] expected = {500, 1000, 2000, 4000, 8000, 8000};
        for (long e : expected) {
            assertEquals(e, backoff.nextDelayMillis());
        }
        backoff.reset();
        assertEquals(500, backoff.nextDelayMillis());
        assertThrows(IllegalArgumentException.class, () -> new Backoff(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(10, 5));
    }

    @Test
    void onlyARefusalThatCannotChangeStopsTheSender() {
        assertTrue(new WhipRefusedException(401, "invalid token").isPermanent());
        assertTrue(new WhipRefusedException(400, "malformed SDP offer").isPermanent());
        assertFalse(new WhipRefusedException(404, "unknown stream").isPermanent(), "a config reload may add it");
        assertFalse(new WhipRefusedException(503, "busy").isPermanent());
        assertEquals(
                "WHIP server answered 401: invalid token", new WhipRefusedException(401, "invalid token").getMessage());
    }
}
