package dev.lancast.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The multicast / unicast decision on a fake clock, ticked every 250 ms as the relay's loop does. */
class DeliveryPathTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1000 * MS;
    private final List<String> actions = new ArrayList<>();
    private final DeliveryPath.Actions out = new DeliveryPath.Actions() {
        @Override
        public void rejoin() {
            actions.add("rejoin");
        }

        @Override
        public void startCopy(DeliveryPath.Reason reason) {
            actions.add("copy " + reason.label);
        }

        @Override
        public void stopCopy() {
            actions.add("stop");
        }
    };
    private long now = 100 * S;
    private final DeliveryPath path = new DeliveryPath(750 * MS, 5 * S, 600 * S, now);

    {
        path.joined(now);
    }

    /** Runs for the given time: a group packet every 20 ms when group, a passed packet every 20 ms, ticks every 250 ms. */
    private void run(long duration, boolean group, boolean bridgeUp) {
        long end = now + duration;
        while (now < end) {
            now += 10 * MS;
            if (now / MS % 20 == 0) {
                path.onPassed();
                if (group) {
                    path.onGroupPacket(now);
                }
            }
            if (now / MS % 250 == 0) {
                path.tick(now, bridgeUp, out);
            }
        }
    }

    @Test
    void aGatewayThatNeverHearsTheGroupAsksForACopyAfterTheSilence() {
        run(700 * MS, false, true);
        assertEquals(List.of(), actions, "not before silenceMs");
        run(300 * MS, false, true);
        assertEquals(List.of("rejoin", "copy start_timeout"), actions);
        assertEquals(DeliveryPath.Mode.UNICAST, path.mode());
        assertEquals(DeliveryPath.Reason.START_TIMEOUT, path.reason());
    }

    @Test
    void silenceBeforeTheGroupsAreJoinedIsNoSilence() {
        DeliveryPath waiting = new DeliveryPath(750 * MS, 5 * S, 600 * S, now);
        for (int i = 1; i <= 20; i++) {
            waiting.tick(now + i * 250 * MS, true, out); // the join waits for a busy loop
        }
        assertEquals(List.of(), actions);
        waiting.joined(now + 5 * S);
        waiting.tick(now + 5 * S + 500 * MS, true, out);
        assertEquals(List.of(), actions, "silence counts from the join");
        waiting.tick(now + 5 * S + 1000 * MS, true, out);
        assertEquals(List.of("rejoin", "copy start_timeout"), actions);
    }

    @Test
    void aCopysLastDatagramsAfterTheReturnAreExpected() {
        run(5 * S, true, true);
        run(1 * S, false, true);
        assertEquals(true, path.twoPaths(now));
        run(7 * S, true, true);
        assertEquals(DeliveryPath.Mode.MULTICAST, path.mode());
        long returned = path.sinceNanos();
        assertEquals(true, path.twoPaths(returned + 1500 * MS), "the copy's tail");
        assertEquals(false, path.twoPaths(returned + 2500 * MS));
    }

    @Test
    void silenceWhileTheBridgeIsDownIsNotAMulticastProblem() {
        run(10 * S, false, false);
        assertEquals(List.of(), actions);
        assertEquals(DeliveryPath.Mode.MULTICAST, path.mode());
    }

    @Test
    void lostMidStreamThenBackToMulticastAfterTheSettleTime() {
        run(10 * S, true, true);
        run(1 * S, false, true);
        assertEquals(List.of("rejoin", "copy lost"), actions);
        run(3 * S, false, true); // the copy carries the stream
        run(2 * S, true, true); // the group is back: returning, both paths run
        assertEquals(DeliveryPath.Mode.RETURNING, path.mode());
        run(4 * S, true, true);
        assertEquals(List.of("rejoin", "copy lost", "stop"), actions, "5 s of full coverage end the copy");
        assertEquals(DeliveryPath.Mode.MULTICAST, path.mode());
        assertNull(path.reason());
    }

    @Test
    void theSignatureOfASwitchWithoutQuerierIsNamed() {
        run(261 * S, true, true); // joined at the start; the switch stops forwarding 260 s after the join
        run(1 * S, false, true);
        assertEquals(List.of("rejoin", "copy querier_suspect"), actions);
    }

    @Test
    void aFailedReturnDoublesTheSettleTimeAndTenStableMinutesResetIt() {
        run(5 * S, true, true);
        run(1 * S, false, true);
        run(1 * S, true, true); // returning
        run(1 * S, false, true); // silent again while returning
        assertEquals(DeliveryPath.Mode.UNICAST, path.mode());
        assertEquals(10 * S, path.settleNanos());
        run(12 * S, true, true);
        assertEquals(DeliveryPath.Mode.MULTICAST, path.mode(), "back after the doubled settle time");
        run(10 * S, true, true);
        run(1 * S, false, true); // lost again within 60 s of the return: that return failed too
        assertEquals(20 * S, path.settleNanos());
        run(25 * S, true, true);
        assertEquals(DeliveryPath.Mode.MULTICAST, path.mode());
        run(11 * 60 * S, true, true);
        run(1 * S, false, true);
        assertEquals(5 * S, path.settleNanos(), "ten minutes on multicast: the settle time is back to its base");
        assertEquals(3, path.fallbacks());
    }

    @Test
    void aGroupCarryingLessThan99PercentDoesNotEndTheCopy() {
        run(5 * S, true, true);
        run(1 * S, false, true);
        // The group is back but carries only half of the packets.
        long end = now + 20 * S;
        int i = 0;
        while (now < end) {
            now += 20 * MS;
            path.onPassed();
            if (i++ % 2 == 0) {
                path.onGroupPacket(now);
            }
            if (now / MS % 250 == 0 || now / MS % 250 < 20) {
                path.tick(now, true, out);
            }
        }
        assertEquals(DeliveryPath.Mode.RETURNING, path.mode());
        assertEquals(List.of("rejoin", "copy lost"), actions, "no stop while multicast loses half");
    }
}
