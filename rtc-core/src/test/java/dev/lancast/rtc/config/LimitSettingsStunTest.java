package dev.lancast.rtc.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LimitSettingsStunTest {
    @Test
    void stunBudgetPerAddressDefaultsTo100AndIsBounded() {
        assertEquals(100, LimitSettings.defaults().stunPerAddressPerSecond());
        assertEquals(100, new LimitSettings(0, 0, 0, 0, 0, 0).stunPerAddressPerSecond());
        assertEquals(5000, new LimitSettings(0, 0, 0, 0, 0, 0, 5000).stunPerAddressPerSecond());
        String why = assertThrows(IllegalArgumentException.class, () -> new LimitSettings(0, 0, 0, 0, 0, 0, 5))
                .getMessage();
        assertTrue(why.contains("stunPerAddressPerSecond"), why);
    }
}
