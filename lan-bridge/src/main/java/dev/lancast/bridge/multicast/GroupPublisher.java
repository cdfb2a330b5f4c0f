package dev.lancast.bridge.multicast;

import dev.lancast.rtc.counters.CounterDescriptor;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.media.IndexTracking;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.multicast.GroupKeyring;
import dev.lancast.rtc.multicast.GroupWireFormat;
import dev.lancast.rtc.multicast.MulticastSender;
import dev.lancast.rtc.rtp.PacketCache;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.SendTime;
import dev.lancast.rtc.srtp.RolloverCounters;
import dev.lancast.rtc.srtp.SrtpProfile;
import dev.lancast.rtc.srtp.SrtpSender;
import dev.lancast.rtc.time.WallClock;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The end of a stream's path at the bridge: protects each packet with the current key of the
 * stream's own keyring, sends it once to its track's multicast group and keeps the protected
 * datagram for the gateways' NACKs. A repair is the very datagram the group got (no second
 * encryption, so no index is ever protected twice); for that reason this cache holds ciphertext and
 * is the publisher's, not a plaintext stage of the pipeline before it.
 *
 * <p>Each track's SRTP packet index (ROC and sequence number) is the stream's, counted by the
 * {@link IndexTracking} stage that ends the track's pipeline (it is here, so it outlives the
 * broadcasters), not the key's: a new key's context starts at the index the stream has reached, and
 * the index is published with the keys so that gateways joining at any time start at the right
 * ROC. An index already sent (an upstream duplicate, a packet reordered across a broadcaster's
 * takeover) is refused by the sender and dropped. Runs on the media event loop only (one scratch
 * buffer, no lock); rotations happen on other threads and are followed at the next packet. Its
 * counts are the stream's series of the descriptors below, written on the media loop only.
 */
public final class GroupPublisher implements AutoCloseable {
    public static final CounterDescriptor PACKETS_SENT = CounterDescriptor.statusOnly(CounterDescriptor.Kind.COUNTER,
            "multicastPacketsSent", "RTP and RTCP packets sent on the multicast groups").labelled("stream");
    public static final CounterDescriptor BYTES_SENT = CounterDescriptor.counter("lancast_bridge_multicast_bytes",
            "bytes sent on the multicast groups").status("multicastBytesSent").labelled("stream");
    public static final CounterDescriptor RETRANSMITTED = CounterDescriptor.counter("lancast_bridge_retransmissions",
            "packets resent to gateways").status("retransmitted").labelled("stream");
    public static final CounterDescriptor NOT_IN_CACHE = CounterDescriptor.counter(
            "lancast_bridge_retransmissions_missed", "NACKed packets no longer in the cache")
            .status("retransmitNotInCache").labelled("stream");
    public static final CounterDescriptor DUPLICATES = CounterDescriptor.counter("lancast_bridge_duplicates_dropped",
            "packets not sent because their index was sent already (an upstream duplicate)")
            .status("duplicatesDropped").labelled("stream");
    /** Read from {@link #keys()} by the process (the keyring rotates off the media loop). */
    public static final CounterDescriptor KEY_ID = CounterDescriptor.gauge("lancast_bridge_group_key_id",
            "id of the stream's group key in use (it changes at each rotation)").status("keyId").labelled("stream");

    /** The protected datagrams of the last ~2 s per track: a video layer's, audio's. */
    private static final int VIDEO_CACHE_SLOTS = 1024;
    private static final int AUDIO_CACHE_SLOTS = 256;
    private static final long CACHE_AGE_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int MAX_DATAGRAM = 2048;

    private final GroupKeyring keys;
    private final WallClock sendTimes;
    private final LongSupplier clock;
    private GroupKey key;
    private SrtpSender srtp;
    /** By track slot (video layers, audio), as the arrays below; null where the stream has no such track. */
    private final MulticastSender[] groups;
    private final PacketCache[] caches = new PacketCache[Track.SLOTS];
    private final IndexTracking[] indexes = new IndexTracking[Track.SLOTS];
    private final byte[] scratch = new byte[MAX_DATAGRAM];
    private final SingleWriterCounter packetsSent;
    private final SingleWriterCounter bytesSent;
    private final SingleWriterCounter retransmitted;
    private final SingleWriterCounter notInCache;
    private final SingleWriterCounter duplicates;
    /** A new context (new key, or first packet) starts at the ROC of the packet it protects. */
    private final RolloverCounters rocs = this::rolloverCounter;

    /**
     * @param sendTimes with a clock, each RTP packet carries its send time ({@link SendTime}) for
     *                  delay benchmarks; null: none
     * @param clock     the media loop's time in nanoseconds (the repair cache's ages)
     * @param counters  the process's table, where this stream's series of the counts go (closed with the publisher)
     * @param stream    the stream's name, their label
     */
    /** @param groups the sender of each track slot (its video layers', audio's), null where the stream has none */
    public GroupPublisher(GroupKeyring keys, MulticastSender[] groups, WallClock sendTimes,
                          LongSupplier clock, CounterTable counters, String stream) {
        this.packetsSent = counters.counter(PACKETS_SENT, stream);
        this.bytesSent = counters.counter(BYTES_SENT, stream);
        this.retransmitted = counters.counter(RETRANSMITTED, stream);
        this.notInCache = counters.counter(NOT_IN_CACHE, stream);
        this.duplicates = counters.counter(DUPLICATES, stream);
        this.keys = keys;
        this.sendTimes = sendTimes;
        this.clock = clock;
        this.key = keys.current();
        this.srtp = new SrtpSender(SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt(), rocs);
        this.groups = bySlot(groups);
        for (int slot = 0; slot < Track.SLOTS; slot++) {
            indexes[slot] = new IndexTracking();
        }
    }

    /** The stream's keys: rotated by the bridge, published to gateways. */
    public GroupKeyring keys() {
        return keys;
    }

    private static MulticastSender[] bySlot(MulticastSender[] groups) {
        if (groups.length != Track.SLOTS) {
            throw new IllegalArgumentException("one sender per track slot (" + Track.SLOTS + "), got " + groups.length);
        }
        return groups.clone();
    }

    /** The stream's packet index of a track slot: the last stage of every broadcaster's pipeline of that slot. */
    public IndexTracking index(int slot) {
        return indexes[slot];
    }

    /**
     * Sends from now on to new groups (a config reload moved them, or changed TTL or DSCP, or the
     * layers). Media loop only; returns the old senders for the caller to close off the loop.
     */
    public MulticastSender[] retarget(MulticastSender[] next) {
        MulticastSender[] old = groups.clone();
        System.arraycopy(bySlot(next), 0, groups, 0, Track.SLOTS);
        return old;
    }

    /** Follows a rotation: the next packet goes out under the new key (gateways already have it). */
    private void followRotation() {
        GroupKey latest = keys.current();
        if (latest != key) {
            srtp.close();
            key = latest;
            srtp = new SrtpSender(SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt(), rocs);
        }
    }

    /** One RTP packet of a track slot, in the stream's SSRC and numbering (its pipeline's last stage counted its index). */
    public void publishRtp(int slot, RtpPacket rtp) {
        if (groups[slot] == null) {
            return;
        }
        int len = rtp.length();
        if (len > MAX_DATAGRAM - GroupWireFormat.HEADER_LENGTH - 64 - SendTime.ADDED_BYTES) {
            return;
        }
        followRotation();
        int at = GroupWireFormat.HEADER_LENGTH;
        System.arraycopy(rtp.buffer(), rtp.offset(), scratch, at, len);
        if (sendTimes != null) {
            len = SendTime.append(scratch, at, len, sendTimes.nowMicros());
        }
        int n = srtp.protectRtp(scratch, at, len);
        if (n == SrtpSender.REFUSED) {
            duplicates.increment();
            return;
        }
        if (n < 0) {
            return;
        }
        GroupWireFormat.writeHeader(scratch, 0, key.id());
        cache(slot).put(rtp.sequenceNumber(), scratch, 0, at + n, clock.getAsLong());
        send(slot, at + n);
    }

    /** A slot's repair cache, made with its first packet (a layer never sent costs none). */
    private PacketCache cache(int slot) {
        PacketCache c = caches[slot];
        if (c == null) {
            c = new PacketCache(slot == Track.AUDIO_SLOT ? AUDIO_CACHE_SLOTS : VIDEO_CACHE_SLOTS, 1500, CACHE_AGE_NANOS);
            caches[slot] = c;
        }
        return c;
    }

    /** One RTCP packet about a track slot (a sender report translated into the stream's timeline). */
    public void publishRtcp(int slot, byte[] buf, int off, int len) {
        if (groups[slot] == null || len > MAX_DATAGRAM - GroupWireFormat.HEADER_LENGTH - 64) {
            return;
        }
        followRotation();
        int at = GroupWireFormat.HEADER_LENGTH;
        System.arraycopy(buf, off, scratch, at, len);
        int n = srtp.protectRtcp(scratch, at, len);
        if (n < 0) {
            return;
        }
        GroupWireFormat.writeHeader(scratch, 0, key.id());
        send(slot, at + n);
    }

    private void send(int slot, int length) {
        MulticastSender out = groups[slot];
        out.write(scratch, 0, length);
        out.flush();
        packetsSent.increment();
        bytesSent.add(length);
    }

    /**
     * Answers a gateway's NACK with the very datagram the group got: the gateway never saw it, so
     * its SRTP replay window accepts it. Returns false when the packet is no longer cached.
     */
    public boolean retransmit(int slot, int seq, InetSocketAddress to, DatagramChannel via) {
        int n = caches[slot] == null ? -1 : caches[slot].get(seq, clock.getAsLong(), scratch, 0);
        if (n < 0) {
            notInCache.increment();
            return false;
        }
        via.write(new DatagramPacket(via.alloc().directBuffer(n).writeBytes(scratch, 0, n), to), via.voidPromise());
        retransmitted.increment();
        return true;
    }

    /** The SSRC and packet index of the latest RTP packet sent on a track slot; null before the first. Any thread. */
    public long[] latestIndex(int slot) {
        IndexTracking index = indexes[slot];
        long ssrc = index.ssrc();
        long highest = index.highest();
        return ssrc < 0 || highest < 0 ? null : new long[] {ssrc, highest};
    }

    private int rolloverCounter(long ssrc, int seq) {
        for (IndexTracking index : indexes) {
            if (index.ssrc() == ssrc) {
                return index.rolloverCounter(seq);
            }
        }
        return 0;
    }

    @Override
    public void close() {
        for (MulticastSender group : groups) {
            if (group != null) {
                group.close();
            }
        }
        srtp.close();
        keys.close();
        for (SingleWriterCounter c : new SingleWriterCounter[] {packetsSent, bytesSent, retransmitted, notInCache,
                duplicates}) {
            c.close();
        }
    }
}
