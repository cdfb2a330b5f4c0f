package dev.lancast.rtc.dtls;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.DatagramTransport;

/**
 * Bridges BouncyCastle's blocking DatagramTransport to our event-driven ICE path: records the
 * event loop hands in wait in a bounded queue until the DTLS thread reads them.
 */
final class QueueTransport implements DatagramTransport {
    /** Records are small and few during a handshake; a flood beyond this is dropped. */
    private static final int MAX_QUEUED = 64;

    private static final byte[] CLOSED = new byte[0];
    private static final int MTU = 1200;

    private final LinkedBlockingQueue<byte[]> inbound = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final DatagramOutput out;
    private volatile boolean closed;

    QueueTransport(DatagramOutput out) {
        this.out = out;
    }

    void offer(byte[] buf, int off, int len) {
        if (!closed) {
            inbound.offer(Arrays.copyOfRange(buf, off, off + len));
        }
    }

    boolean hasPending() {
        return !inbound.isEmpty();
    }

    @Override
    public int getReceiveLimit() {
        return 1500;
    }

    @Override
    public int getSendLimit() {
        return MTU;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new IOException("DTLS transport closed");
        }
        byte[] record;
        try {
            record = inbound.poll(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (record == null) {
            return -1;
        }
        if (record == CLOSED) {
            throw new IOException("DTLS transport closed");
        }
        int n = Math.min(len, record.length);
        System.arraycopy(record, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("DTLS transport closed");
        }
        out.send(buf, off, len);
    }

    @Override
    public void close() {
        closed = true;
        inbound.clear();
        inbound.offer(CLOSED);
    }
}
