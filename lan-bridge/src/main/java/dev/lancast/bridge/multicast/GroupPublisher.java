package dev.lancast.bridge.multicast;

import dev.lancast.rtc.counters.CounterDescriptor;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.multicast.GroupKeyring;
import dev.lancast.rtc.multicast.GroupWireFormat;
import dev.lancast.rtc.multicast.MulticastSender;
import dev.lancast.rtc.srtp.PacketIndex;
import dev.lancast.rtc.srtp.RolloverCounters;
import dev.lancast.rtc.srtp.SrtpProfile;
import dev.lancast.rtc.rtp.PacketCache;
import dev.lancast.rtc.rtp.SendTime;
import dev.lancast.rtc.srtp.SrtpSender;
import dev.lancast.rtc.time.WallClock;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Protects a stream's RTP and RTCP with the current key of the stream's own keyring and sends each
 * packet once to the track's multicast group. Runs on the media event loop only (one scratch
 * buffer, no lock); rotations happen on other threads and are followed at the next packet.
 * Each track's SRTP packet index (ROC and sequence number) is the stream's, not the key's: a new
 * key's context starts at the index the stream has reached, and the index is published with the
 * keys so that gateways joining at any time start at the right ROC.
 * Its counts are the stream's series of the descriptors below, written on the media loop only.
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
    /** Read from {@link #keys()} by the process (the keyring rotates off the media loop). */
    public static final CounterDescriptor KEY_ID = CounterDescriptor.gauge("lancast_bridge_group_key_id",
            "id of the stream's group key in use (it changes at each rotation)").status("keyId").labelled("stream");

    private final GroupKeyring keys;
    private final WallClock sendTimes;
    private GroupKey key;
    private SrtpSender srtp;
    private MulticastSender video;
    private MulticastSender audio;
    private final byte[] scratch = new byte[2048];
    /** The protected datagrams of the last ~2 s per track, resent as they are to gateways that NACK. */
    private final PacketCache videoCache = new PacketCache(1024, 1500, TimeUnit.SECONDS.toNanos(2));
    private final PacketCache audioCache = new PacketCache(256, 1500, TimeUnit.SECONDS.toNanos(2));
    private final SingleWriterCounter packetsSent;
    private final SingleWriterCounter bytesSent;
    private final SingleWriterCounter retransmitted;
    private final SingleWriterCounter notInCache;
    private final PacketIndex.Tracker videoIndex = new PacketIndex.Tracker();
    private final PacketIndex.Tracker audioIndex = new PacketIndex.Tracker();
    private volatile long videoSsrc = -1;
    private volatile long audioSsrc = -1;
    /** A new context (new key, or first packet) starts at the ROC of the packet it protects. */
    private final RolloverCounters rocs = (ssrc, seq) ->
            (int) PacketIndex.roc(PacketIndex.estimate(ssrc == videoSsrc ? videoIndex.highest() : audioIndex.highest(), seq));

    /**
     * @param sendTimes with a clock, each RTP packet carries its send time ({@link SendTime}) for
     *                  delay benchmarks; null: none
     * @param counters  the process's table, where this stream's series of the counts go (closed with the publisher)
     * @param stream    the stream's name, their label
     */
    public GroupPublisher(GroupKeyring keys, MulticastSender video, MulticastSender audio, WallClock sendTimes,
                          CounterTable counters, String stream) {
        this.packetsSent = counters.counter(PACKETS_SENT, stream);
        this.bytesSent = counters.counter(BYTES_SENT, stream);
        this.retransmitted = counters.counter(RETRANSMITTED, stream);
        this.notInCache = counters.counter(NOT_IN_CACHE, stream);
        this.keys = keys;
        this.sendTimes = sendTimes;
        this.key = keys.current();
        this.srtp = new SrtpSender(SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt(), rocs);
        this.video = video;
        this.audio = audio;
    }

    /** The stream's keys: rotated by the bridge, published to gateways. */
    public GroupKeyring keys() {
        return keys;
    }

    /**
     * Sends from now on to new groups (a config reload moved them, or changed TTL or DSCP).
     * Media loop only; returns the old senders for the caller to close off the loop.
     */
    public MulticastSender[] retarget(MulticastSender newVideo, MulticastSender newAudio) {
        MulticastSender[] old = {video, audio};
        video = newVideo;
        audio = newAudio;
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

    public void publishRtp(boolean isVideo, byte[] buf, int off, int len) {
        publish(isVideo, buf, off, len, false);
    }

    public void publishRtcp(boolean isVideo, byte[] buf, int off, int len) {
        publish(isVideo, buf, off, len, true);
    }

    private void publish(boolean isVideo, byte[] buf, int off, int len, boolean rtcp) {
        if (len > scratch.length - GroupWireFormat.HEADER_LENGTH - 64 - SendTime.ADDED_BYTES) {
            return;
        }
        followRotation();
        if (!rtcp) {
            long ssrc = ((long) (buf[off + 8] & 0xFF) << 24) | ((buf[off + 9] & 0xFF) << 16)
                    | ((buf[off + 10] & 0xFF) << 8) | (buf[off + 11] & 0xFF);
            // Written once (the bridge's SSRCs are fixed for its life), read when a context is made.
            if (isVideo && videoSsrc != ssrc) {
                videoSsrc = ssrc;
            } else if (!isVideo && audioSsrc != ssrc) {
                audioSsrc = ssrc;
            }
            (isVideo ? videoIndex : audioIndex).update(((buf[off + 2] & 0xFF) << 8) | (buf[off + 3] & 0xFF));
        }
        System.arraycopy(buf, off, scratch, GroupWireFormat.HEADER_LENGTH, len);
        if (sendTimes != null && !rtcp) {
            len = SendTime.append(scratch, GroupWireFormat.HEADER_LENGTH, len, sendTimes.nowMicros());
        }
        int n = rtcp
                ? srtp.protectRtcp(scratch, GroupWireFormat.HEADER_LENGTH, len)
                : srtp.protectRtp(scratch, GroupWireFormat.HEADER_LENGTH, len);
        GroupWireFormat.writeHeader(scratch, 0, key.id());
        MulticastSender out = isVideo ? video : audio;
        if (!rtcp) {
            int seq = ((buf[off + 2] & 0xFF) << 8) | (buf[off + 3] & 0xFF);
            (isVideo ? videoCache : audioCache).put(seq, scratch, 0, GroupWireFormat.HEADER_LENGTH + n, System.nanoTime());
        }
        out.write(scratch, 0, GroupWireFormat.HEADER_LENGTH + n);
        out.flush();
        packetsSent.increment();
        bytesSent.add(GroupWireFormat.HEADER_LENGTH + n);
    }

    /**
     * Answers a gateway's NACK with the very datagram the group got: the gateway never saw it, so
     * its SRTP replay window accepts it. Returns false when the packet is no longer cached.
     */
    public boolean retransmit(boolean isVideo, int seq, InetSocketAddress to, DatagramChannel via) {
        int n = (isVideo ? videoCache : audioCache).get(seq, System.nanoTime(), scratch, 0);
        if (n < 0) {
            notInCache.increment();
            return false;
        }
        via.write(new DatagramPacket(via.alloc().directBuffer(n).writeBytes(scratch, 0, n), to), via.voidPromise());
        retransmitted.increment();
        return true;
    }

    /** The SSRC and packet index of the latest RTP packet sent on a track; null before the first. Any thread. */
    public long[] latestIndex(boolean isVideo) {
        long ssrc = isVideo ? videoSsrc : audioSsrc;
        long index = (isVideo ? videoIndex : audioIndex).highest();
        return ssrc < 0 || index < 0 ? null : new long[] {ssrc, index};
    }

    @Override
    public void close() {
        video.close();
        audio.close();
        srtp.close();
        keys.close();
        packetsSent.close();
        bytesSent.close();
        retransmitted.close();
        notInCache.close();
    }
}
