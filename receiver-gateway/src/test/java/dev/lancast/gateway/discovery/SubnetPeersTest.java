package dev.lancast.gateway.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubnetPeersTest {
    private static final String REGISTRY = """
            [
             {"name":"gw-a","subnet":"198.18.1.0/24","url":"http://198.18.1.2:8081/","streams":["main"],"viewers":1,"capacity":10,"authenticated":true,"inRotation":true},
             {"name":"gw-b","subnet":"198.18.1.0/24","url":"http://198.18.1.3:8081/","streams":["main"],"viewers":5,"capacity":10,"authenticated":true,"inRotation":true},
             {"name":"gw-c","subnet":"198.18.1.0/24","url":"http://198.18.1.4:8081/","streams":["main"],"viewers":1,"capacity":10,"authenticated":true,"inRotation":true},
             {"name":"far","subnet":"198.18.2.0/24","url":"http://198.18.2.2:8081/","streams":["main"],"viewers":0,"capacity":10,"authenticated":true,"inRotation":true},
             {"name":"decoy","subnet":"198.18.1.0/24","url":"http://198.18.1.66:8081/","streams":["main"],"viewers":0,"capacity":10,"authenticated":false,"inRotation":false},
             {"name":"late","subnet":"198.18.1.0/24","url":"http://198.18.1.5:8081/","streams":["main"],"viewers":0,"capacity":10,"authenticated":true,"inRotation":false},
             {"name":"draining","subnet":"198.18.1.0/24","url":"http://198.18.1.6:8081/","streams":["main"],"viewers":0,"capacity":0,"authenticated":true,"inRotation":false},
             {"name":"other","subnet":"198.18.1.0/24","url":"http://198.18.1.7:8081/","streams":["lecture"],"viewers":0,"capacity":10,"authenticated":true,"inRotation":true},
             {"name":"full","subnet":"198.18.1.0/24","url":"http://198.18.1.8:8081/","streams":["main"],"viewers":10,"capacity":10,"authenticated":true,"inRotation":true},
             {"name":"odd","subnet":"198.18.1.0/24","url":"javascript:alert(1)","streams":["main"],"viewers":0,"capacity":10,"authenticated":true,"inRotation":true}
            ]""";

    @Test
    void onlyTheSubnetsOtherAuthenticatedGatewaysInRotationWithRoomLeastFullFirst() throws Exception {
        long[] now = {0};
        SubnetPeers peers = new SubnetPeers(null, () -> now[0]);
        List<SubnetPeers.Peer> parsed =
                SubnetPeers.parse(new ObjectMapper().readTree(REGISTRY), "gw-a", "198.18.1.0/24");
        assertEquals(
                List.of("gw-b", "gw-c", "other", "full"),
                parsed.stream().map(SubnetPeers.Peer::name).toList());
        peers.accept(parsed, now[0]);
        assertEquals(
                List.of("gw-c", "gw-b"),
                peers.forStream("main").stream().map(SubnetPeers.Peer::name).toList());
        assertEquals(
                List.of("other"),
                peers.forStream("lecture").stream().map(SubnetPeers.Peer::name).toList());
        now[0] += java.time.Duration.ofSeconds(11).toNanos();
        assertEquals(List.of(), peers.forStream("main"), "a list the bridge has not confirmed for 10 s is dropped");
    }
}
