package dev.lancast.bridge.multicast;

import dev.lancast.bridge.relay.UnicastCopies;
import dev.lancast.rtc.counters.CounterDescriptor;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.media.IndexTracking;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.multicast.GroupKeyring;
import dev.lancast.rtc.multicast.GroupWireFormat;
import dev.lancast.rtc.multicast.MulticastSender;
import dev.lancast.rtc.rtcp.ReportBlock;
import dev.lancast.rtc.rtcp.RtcpWriter;
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
import java.util.Map;
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
 *
 * <p>Every group carries an authenticated packet at least every {@value #BEACON_INTERVAL_MS} ms,
 * live or idle ({@link #beacon}: an empty receiver report from the track's SSRC), so a gateway that
 * hears nothing knows its path to the group is broken rather than the stream idle. Gateways that
 * multicast does not reach get a unicast copy of every datagram ({@link #copyTo}): the very
 * bytes the group gets, no second encryption.
 */
public final class GroupPublisher implements AutoCloseable {
    public static final CounterDescriptor PACKETS_SENT = CounterDescriptor.statusOnly(
                    CounterDescriptor.Kind.COUNTER,
                    "multicastPacketsSent",
                    "RTP and RTCP packets sent on the multicast groups")
            .labelled("stream");
    public static final CounterDescriptor BYTES_SENT = CounterDescriptor.counter(
                    "lancast_bridge_multicast_bytes", "bytes sent on the multicast groups")
            .status("multicastBytesSent")
            .labelled("stream");
    public static final CounterDescriptor RETRANSMITTED = CounterDescriptor.counter(
                    "lancast_bridge_retransmissions", "packets resent to gateways")
            .status("retransmitted")
            .labelled("stream");
    public static final CounterDescriptor NOT_IN_CACHE = CounterDescriptor.counter(
                    "lancast_bridge_retransmissions_missed", "NACKed packets no longer in the cache")
            .status("retransmitNotInCache")
            .labelled("stream");
    public static final CounterDescriptor DUPLICATES = CounterDescriptor.counter(
                    "lancast_bridge_duplicates_dropped",
                    "packets not sent because their index was sent already (an upstream duplicate)")
            .status("duplicatesDropped")
            .labelled("stream");
    public static final CounterDescriptor COPIES = CounterDescriptor.counter(
                    "lancast_bridge_relay_packets",
                    "datagrams sent by unicast to gateways that multicast does not reach")
            .status("relayPacketsSent")
            .labelled("stream");
    /** Read from {@link #keys()} by the process (the keyring rotates off the media loop). */
    public static final CounterDescriptor KEY_ID = CounterDescriptor.gauge(
                    "lancast_bridge_group_key_id", "id of the stream's group key in use (it changes at each rotation)")
            .status("keyId")
            .labelled("stream");

    /** The protected datagrams of the last ~2 s per track: a video layer's, audio's. */
    private static final int VIDEO_CACHE_SLOTS = 1024;

    private static final int AUDIO_CACHE_SLOTS = 256;
    private static final long CACHE_AGE_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int MAX_DATAGRAM = 2048;
    public static final long BEACON_INTERVAL_MS = 250;
    /** A group that sent anything more recently than this needs no beacon now (the timer runs every interval). */
    private static final long BEACON_QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(BEACON_INTERVAL_MS * 4 / 5);

    private static final ReportBlock[] NO_BLOCKS = new ReportBlock[0];
    private static final InetSocketAddress[] NO_COPIES = new InetSocketAddress[0];

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
    private final byte[] beaconOut = new byte[64];
    private final long[] lastSentNanos = new long[Track.SLOTS];
    private final UnicastCopies unicast;
    /** Gateways that get a unicast copy of every datagram. Media loop. */
    private InetSocketAddress[] copiesTo = NO_COPIES;

    private final SingleWriterCounter packetsSent;
    private final SingleWriterCounter bytesSent;
    private final SingleWriterCounter retransmitted;
    private final SingleWriterCounter notInCache;
    private final SingleWriterCounter duplicates;
    private final SingleWriterCounter copies;
    /** A new context (new key, or first packet) starts at the ROC of the packet it protects. */
    private final RolloverCounters rocs = this::rolloverCounter;

    /**
     * @param groups    the sender of each track slot (its video layers', audio's), null where the stream has none
     * @param sendTimes with a clock, each RTP packet carries its send time ({@link SendTime}) for
     *                  delay benchmarks; null: none
     * @param unicast   the socket for unicast copies to gateways that multicast does not reach
     * @param clock     the media loop's time in nanoseconds (the repair cache's ages, beacons)
     * @param counters  the process's table, where this stream's series of the counts go (closed with the publisher)
     * @param stream    the stream's name, their label
     */
    public GroupPublisher(
            GroupKeyring keys,
            MulticastSender[] groups,
            UnicastCopies unicast,
            WallClock sendTimes,
            LongSupplier clock,
            CounterTable counters,
            String stream) {
        this.unicast = unicast;
        this.copies = counters.counter(COPIES, stream);
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

    private static MulticastSender[] bySlot(MulticastSender[] groups) {
        if (groups.length != Track.SLOTS) {
            throw new IllegalArgumentException("one sender per track slot (" + Track.SLOTS + "), got " + groups.length);
        }
        return groups.clone();
    }

    /** The stream's keys: rotated by the bridge, published to gateways. */
    public GroupKeyring keys() {
        return keys;
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
            c = new PacketCache(cacheSlots(slot), 1500, CACHE_AGE_NANOS);
            caches[slot] = c;
        }
        return c;
    }

    private static int cacheSlots(int slot) {
        return slot == Track.AUDIO_SLOT ? AUDIO_CACHE_SLOTS : VIDEO_CACHE_SLOTS;
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
        lastSentNanos[slot] = clock.getAsLong();
        packetsSent.increment();
        bytesSent.add(length);
        InetSocketAddress[] to = copiesTo;
        if (to.length > 0) {
            for (InetSocketAddress gateway : to) {
                unicast.write(scratch, 0, length, gateway);
            }
            unicast.flush();
            copies.add(to.length);
        }
    }

    /**
     * Every {@value #BEACON_INTERVAL_MS} ms (the media loop's timer): on each group that sent nothing
     * for about an interval, an empty receiver report from the track's SSRC under the group key.
     *
     * @param ssrcs the stream's SSRC of each track, by slot (a layer's group gets its beacon too)
     */
    public void beacon(long[] ssrcs) {
        long now = clock.getAsLong();
        for (int slot = 0; slot < Track.SLOTS; slot++) {
            if (groups[slot] != null && now - lastSentNanos[slot] >= BEACON_QUIET_NANOS) {
                int n = RtcpWriter.writeReceiverReport(beaconOut, 0, ssrcs[slot], NO_BLOCKS);
                publishRtcp(slot, beaconOut, 0, n);
            }
        }
    }

    /**
     * The gateways that get a unicast copy of every datagram from now on; a new one first gets the
     * cached datagrams after the numbers it says it has (so its viewers' freeze is bridged, not only
     * ended). A copy carries every group of the stream, each layer's too: the gateway keeps what its
     * viewers need. Media loop.
     *
     * @param from per new gateway, the last sequence number of each track slot it has (-1: none)
     */
    public void copyTo(InetSocketAddress[] gateways, Map<InetSocketAddress, int[]> from) {
        for (InetSocketAddress g : gateways) {
            int[] had = from.get(g);
            if (had != null) {
                catchUp(g, had);
            }
        }
        copiesTo = gateways;
    }

    private void catchUp(InetSocketAddress gateway, int[] had) {
        long now = clock.getAsLong();
        for (int slot = 0; slot < Math.min(Track.SLOTS, had.length); slot++) {
            long highest = indexes[slot].highest();
            int last = had[slot];
            if (highest < 0 || last < 0 || caches[slot] == null) {
                continue;
            }
            int newest = (int) (highest & 0xFFFF);
            // From the one after the gateway's last, or from the oldest the cache can still hold.
            int count = Math.min((newest - last) & 0xFFFF, cacheSlots(slot));
            for (int seq = newest - count + 1; seq != newest + 1; seq++) {
                int n = caches[slot].get(seq & 0xFFFF, now, scratch, 0);
                if (n > 0) {
                    unicast.write(scratch, 0, n, gateway);
                    copies.increment();
                }
            }
        }
        unicast.flush();
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
        for (SingleWriterCounter c :
                new SingleWriterCounter[] {packetsSent, bytesSent, retransmitted, notInCache, duplicates, copies}) {
            c.close();
        }
    }
}
