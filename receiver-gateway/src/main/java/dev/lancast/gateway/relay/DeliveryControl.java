package dev.lancast.gateway.relay;

/**
 * The control plane's side of a relay's {@link DeliveryPath}: the requests to the bridge for a
 * unicast copy of a stream (and to end it), and the rejoins of the groups, all of which wait for
 * the network and so never run on a media loop. Called from the relay's loop; implementations hand
 * the work to a thread of their own.
 */
public interface DeliveryControl {
    /** For callers without a bridge to ask (the benchmark): nothing happens. */
    DeliveryControl NONE = new DeliveryControl() {
        @Override
        public void startCopy(String stream, int[] lastSeqs, String reason) {}

        @Override
        public void stopCopy(String stream) {}

        @Override
        public void run(Runnable task) {}
    };

    /**
     * Ask the bridge for a unicast copy of the stream, and keep asking while it is wanted.
     *
     * @param lastSeqs the last sequence number of each track slot this gateway has (-1: none), by slot
     */
    void startCopy(String stream, int[] lastSeqs, String reason);

    /** The stream is back on multicast: end the copy. */
    void stopCopy(String stream);

    /** Runs a control task (a rejoin) off the media loop. */
    void run(Runnable task);
}
