package dev.lancast.rtc.peer;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * A session's outgoing datagrams, reused: a few envelopes to the peer's address, each holding its
 * own direct buffer. To send, a free one is refilled and written with one more reference; Netty
 * drops that reference once the datagram has left (or failed), so an envelope whose count is back
 * to one is free again. Each packet to a viewer costs no allocation; a burst with all of them in
 * flight (a primer), or a new peer address, falls back to a new datagram. Event loop only, as
 * Netty's own releases are.
 */
final class OutboundDatagrams {
    /** Envelopes per session: a packet's copy leaves in the flush that follows it, so two cover the steady state. */
    private static final int ENVELOPES = 2;

    private static final int BUFFER_BYTES = 2048;

    private final DatagramPacket[] envelopes = new DatagramPacket[ENVELOPES];
    private InetSocketAddress to;
    private long fallbacks;

    /** Writes {@code data[0..len)} to {@code recipient} on {@code channel}; call the channel's flush after a batch. */
    void write(DatagramChannel channel, InetSocketAddress recipient, byte[] data, int len) {
        DatagramPacket packet = len <= BUFFER_BYTES ? free(channel, recipient) : null;
        if (packet == null) {
            fallbacks++;
            ByteBuf out = channel.alloc().directBuffer(len);
            out.writeBytes(data, 0, len);
            channel.write(new DatagramPacket(out, recipient), channel.voidPromise());
            return;
        }
        ByteBuf content = packet.content();
        content.clear();
        content.writeBytes(data, 0, len);
        channel.write(packet.retain(), channel.voidPromise());
    }

    private DatagramPacket free(DatagramChannel channel, InetSocketAddress recipient) {
        if (!recipient.equals(to)) {
            // A new path: the old envelopes go (ones in flight are freed by Netty after their write).
            release();
            to = recipient;
        }
        for (int i = 0; i < ENVELOPES; i++) {
            DatagramPacket p = envelopes[i];
            if (p == null) {
                p = new DatagramPacket(channel.alloc().directBuffer(BUFFER_BYTES, BUFFER_BYTES), recipient);
                envelopes[i] = p;
                return p;
            }
            if (p.refCnt() == 1) {
                return p;
            }
        }
        return null;
    }

    /** Datagrams that needed a new envelope (all busy, or too long). */
    long fallbacks() {
        return fallbacks;
    }

    /** Gives back this session's references; in-flight datagrams are freed when Netty is done with them. */
    void release() {
        for (int i = 0; i < ENVELOPES; i++) {
            if (envelopes[i] != null) {
                envelopes[i].release();
                envelopes[i] = null;
            }
        }
    }
}
