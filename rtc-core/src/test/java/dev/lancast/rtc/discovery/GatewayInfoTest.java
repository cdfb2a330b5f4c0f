package dev.lancast.rtc.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancast.rtc.net.Subnet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayInfoTest {
    private final GatewayInfo info = new GatewayInfo(
            "gw-east", Subnet.parse("198.18.1.0/24"), "http://198.18.1.2:8081", List.of("main", "lecture"), 12, 300);

    @Test
    void txtRecordCarriesEveryFieldAndReadsBack() {
        Map<String, String> txt = info.toTxt();
        assertEquals(
                Map.of(
                        "v",
                        "1",
                        "subnet",
                        "198.18.1.0/24",
                        "url",
                        "http://198.18.1.2:8081/",
                        "streams",
                        "main,lecture",
                        "viewers",
                        "12",
                        "capacity",
                        "300"),
                txt);
        assertEquals(info, GatewayInfo.fromTxt("gw-east", txt));
    }

    @Test
    void jsonHeartbeatReadsBack() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String text = json.writeValueAsString(info);
        assertEquals(info, json.readValue(text, GatewayInfo.class));
    }

    @Test
    void badRecordsSayWhatIsWrong() {
        Map<String, String> txt = new HashMap<>(info.toTxt());
        txt.put("viewers", "many");
        assertEquals(
                "TXT viewers='many' is not a number",
                assertThrows(IllegalArgumentException.class, () -> GatewayInfo.fromTxt("gw", txt))
                        .getMessage());
        txt.put("viewers", "1");
        txt.put("url", "ftp://x/");
        assertEquals(
                "url must be an http:// or https:// URL with a host, got 'ftp://x/'",
                assertThrows(IllegalArgumentException.class, () -> GatewayInfo.fromTxt("gw", txt))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> GatewayInfo.fromTxt("has space", info.toTxt()));
        Map<String, String> noSubnet = new HashMap<>(info.toTxt());
        noSubnet.remove("subnet");
        assertThrows(IllegalArgumentException.class, () -> GatewayInfo.fromTxt("gw", noSubnet));
    }
}
