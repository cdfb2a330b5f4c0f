package dev.lancast.rtc.peer;

import java.util.function.Consumer;

/** A session's listener with one more thing to do after it closed (forget the session in a table, say). */
final class ClosingListener implements PeerConnection.Listener {
    private final PeerConnection.Listener inner;
    private final Consumer<PeerConnection> hook;

    ClosingListener(PeerConnection.Listener inner, Consumer<PeerConnection> hook) {
        this.inner = inner;
        this.hook = hook;
    }

    @Override
    public void onConnected(PeerConnection pc) {
        inner.onConnected(pc);
    }

    @Override
    public void onRtp(PeerConnection pc, byte[] buf, int off, int len) {
        inner.onRtp(pc, buf, off, len);
    }

    @Override
    public void onRtcp(PeerConnection pc, byte[] buf, int off, int len) {
        inner.onRtcp(pc, buf, off, len);
    }

    @Override
    public void onClosed(PeerConnection pc, String reason) {
        inner.onClosed(pc, reason);
        hook.accept(pc);
    }
}
