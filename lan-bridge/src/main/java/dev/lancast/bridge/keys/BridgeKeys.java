package dev.lancast.bridge.keys;

import dev.lancast.bridge.auth.ViewerTokenSecret;
import dev.lancast.bridge.ingest.StreamIngest;
import dev.lancast.rtc.catalog.GroupKeys;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.multicast.GroupKeyring;
import dev.lancast.rtc.multicast.KeyIds;
import dev.lancast.rtc.srtp.PacketIndex;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every key the bridge hands its gateways: the feedback keyring, each stream's keyring (in its
 * publisher), the viewer-token secret, and the one id space they share, so that a gateway tells a
 * datagram's key by its id alone. Rotations run on whichever thread asks (the HTTP loop's timer or
 * an admin's request), never on the media loop: a keyring is safe to read while it rotates, and the
 * publishers pick the new key up at their next packet.
 */
public final class BridgeKeys {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeKeys.class);

    private final SecureRandom random;
    private final KeyIds ids;
    private final GroupKeyring feedback;
    private final ViewerTokenSecret viewerSecret;
    /** Held while all keyrings rotate and while a gateway's key set is read: never seen half rotated. */
    private final Object setLock = new Object();

    public BridgeKeys(SecureRandom random) {
        this.random = random;
        this.ids = new KeyIds(random);
        this.feedback = new GroupKeyring(random, ids);
        this.viewerSecret = new ViewerTokenSecret(random);
    }

    /** A new stream's keyring, in the shared id space. */
    public GroupKeyring newStreamKeyring() {
        return new GroupKeyring(random, ids);
    }

    /** The keys gateways protect their feedback with (each stream's are in its publisher). */
    public GroupKeyring feedback() {
        return feedback;
    }

    /** What viewer tokens are MACed with in the public catalog; gateways fetch it with the keys. */
    public byte[] viewerSecret() {
        return viewerSecret.current();
    }

    public void renewViewerSecret() {
        viewerSecret.renew();
    }

    /**
     * Rotates every keyring at once: the feedback's and the streams'.
     *
     * @return the feedback keys now published, for the feedback port's listener
     */
    public List<GroupKey> rotateAll(Collection<StreamIngest> streams) {
        synchronized (setLock) {
            feedback.rotate();
            for (StreamIngest s : streams) {
                s.publisher().keys().rotate();
            }
        }
        LOG.info("group keys rotated; in use: {}", inUse(streams));
        return feedback.published();
    }

    /** The id in use for feedback and for each stream, as POST /api/keys/rotate answers. */
    public Map<String, Object> inUse(Collection<StreamIngest> streams) {
        Map<String, Object> perStream = new LinkedHashMap<>();
        streams.forEach(
                s -> perStream.put(s.name(), s.publisher().keys().current().id()));
        return Map.of("feedback", feedback.current().id(), "streams", perStream);
    }

    /**
     * What GET /api/keys answers a gateway: every keyring's set and each track's latest packet index,
     * from one moment.
     */
    public GroupKeys published(Collection<StreamIngest> streams) {
        synchronized (setLock) {
            List<GroupKeys.Key> all = new ArrayList<>();
            feedback.published().forEach(k -> all.add(new GroupKeys.Key(k.id(), k.toHex(), null)));
            List<GroupKeys.StreamIndex> indexes = new ArrayList<>();
            for (StreamIngest s : streams) {
                s.publisher().keys().published().forEach(k -> all.add(new GroupKeys.Key(k.id(), k.toHex(), s.name())));
                addIndexes(s, indexes);
            }
            return new GroupKeys(
                    feedback.current().id(), all, indexes, HexFormat.of().formatHex(viewerSecret.current()));
        }
    }

    /** The packet index of the latest RTP packet of each of the stream's tracks (video layers, audio). */
    private static void addIndexes(StreamIngest s, List<GroupKeys.StreamIndex> out) {
        for (int slot : s.slots()) {
            long[] latest = s.publisher().latestIndex(slot);
            if (latest != null) {
                out.add(new GroupKeys.StreamIndex(
                        s.name(),
                        Track.kindOfSlot(slot).label(),
                        latest[0],
                        PacketIndex.roc(latest[1]),
                        PacketIndex.seq(latest[1]),
                        Track.layerOfSlot(slot)));
            }
        }
    }
}
