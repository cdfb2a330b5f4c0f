package dev.lancast.gateway.whep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lancast.rtc.catalog.ViewerAccess;
import dev.lancast.rtc.http.CorsPolicy.CorsRequest;
import dev.lancast.rtc.http.HttpError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 22 (N8): WHEP answered CORS "*" for every stream, so any web site that someone inside a
 * restricted stream's subnet opened could play it in a hidden peer connection.
 */
class WhepOriginsTest {
    private static final String BRIDGE = "http://10.0.0.1:8080";
    /** The URL the gateway fetches keys from: the same host, on HTTPS. */
    private static final String BRIDGE_URL = "https://10.0.0.1:8443";

    private static final String OWN = "http://10.1.0.5:8081";

    private static WhepOrigins origins(ViewerAccess staff) {
        return new WhepOrigins(
                stream -> stream.equals("staff") ? staff : null,
                origin -> WhepOrigins.onHostOf(origin, BRIDGE_URL),
                () -> OWN,
                "live");
    }

    private static String allow(WhepOrigins o, String stream, String origin, String host) {
        return o.allowOrigin(Map.of("stream", stream), new CorsRequest(origin, host, false));
    }

    @Test
    void anOpenStreamMayBePlayedByAnyPage() {
        WhepOrigins o = origins(new ViewerAccess(List.of(), List.of("10.1.0.0/16")));
        assertEquals("*", allow(o, "open", "http://elsewhere.example", "10.1.0.5:8081"));
    }

    @Test
    void aRestrictedStreamOnlyByTheGatewaysTheBridgesAndTheListedPages() throws Exception {
        WhepOrigins o =
                origins(new ViewerAccess(List.of(), List.of("10.1.0.0/16"), List.of("https://intranet.example")));
        assertNull(allow(o, "staff", "http://elsewhere.example", "10.1.0.5:8081"));
        assertNull(allow(o, "staff", null, "10.1.0.5:8081"), "no CORS headers for a request without Origin");
        assertEquals(OWN, allow(o, "staff", OWN, "10.1.0.5:8081"), "the gateway's viewer URL");
        assertEquals(BRIDGE, allow(o, "staff", BRIDGE, "10.1.0.5:8081"), "the bridge's pages");
        assertEquals(
                "https://10.0.0.1:8443",
                allow(o, "staff", "https://10.0.0.1:8443", "10.1.0.5:8081"),
                "on its HTTPS port too");
        assertNull(allow(o, "staff", "http://10.0.0.2:8080", "10.1.0.5:8081"), "another host");
        assertEquals("https://intranet.example", allow(o, "staff", "https://intranet.example", "10.1.0.5:8081"));
        assertEquals(
                "http://127.0.0.1:8081",
                allow(o, "staff", "http://127.0.0.1:8081", "127.0.0.1:8081"),
                "the gateway's own page, reached by another of its addresses");
        assertEquals(
                "http://live.local:8081",
                allow(o, "staff", "http://live.local:8081", "live.local:8081"),
                "and by its mDNS name");
        assertNull(
                allow(o, "staff", "http://rebound.example:8081", "rebound.example:8081"),
                "a DNS name the gateway does not know may be an attacker's, rebound to its address");
        HttpError refused = assertThrows(
                HttpError.class,
                () -> o.check("staff", new CorsRequest("http://elsewhere.example", "10.1.0.5:8081", false)));
        assertEquals(403, refused.status());
        o.check("staff", new CorsRequest(null, "10.1.0.5:8081", false)); // not a page: its policy decides alone
        o.check("staff", new CorsRequest(OWN, "10.1.0.5:8081", false));
        o.check("open", new CorsRequest("http://elsewhere.example", "10.1.0.5:8081", false));
    }

    @Test
    void aStarInTheListLetsAnyPagePlayIt() {
        WhepOrigins o = origins(new ViewerAccess(List.of("mac"), List.of(), List.of("*")));
        assertEquals("http://elsewhere.example", allow(o, "staff", "http://elsewhere.example", "10.1.0.5:8081"));
    }

    @Test
    void originsAreAsBrowsersSendThem() {
        assertEquals("http://10.0.0.1:8080", WhepOrigins.origin("http://10.0.0.1:8080/"));
        assertEquals("https://bridge.lan", WhepOrigins.origin("https://bridge.lan:443/x"));
        assertNull(WhepOrigins.origin(null));
    }
}
