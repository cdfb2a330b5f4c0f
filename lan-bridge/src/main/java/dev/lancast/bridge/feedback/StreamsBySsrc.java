package dev.lancast.bridge.feedback;

import dev.lancast.bridge.ingest.StreamIngest;
import io.netty.util.collection.LongObjectHashMap;
import java.util.Collection;

/**
 * Which stream a gateway's feedback is about, by the multicast SSRC it names: an immutable
 * snapshot (a primitive map, no allocation per lookup), made again by the control plane whenever
 * streams are added or removed, read on the feedback loop. The bridge's SSRCs are fixed for the
 * life of a stream, so a snapshot is only ever out of date by a stream that just came or went.
 */
public final class StreamsBySsrc {
    private volatile LongObjectHashMap<StreamIngest> bySsrc = new LongObjectHashMap<>();

    /** The streams from now on. Control plane; one writer at a time. */
    public synchronized void use(Collection<StreamIngest> streams) {
        LongObjectHashMap<StreamIngest> next = new LongObjectHashMap<>();
        for (StreamIngest s : streams) {
            for (int slot : s.slots()) {
                next.put(s.ssrc(slot), s);
            }
        }
        bySsrc = next;
    }

    /** The stream one of whose tracks has this multicast SSRC, or null. Any thread. */
    public StreamIngest stream(long ssrc) {
        return bySsrc.get(ssrc);
    }
}
