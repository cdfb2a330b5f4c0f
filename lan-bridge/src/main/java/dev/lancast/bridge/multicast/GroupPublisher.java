package dev.lancast.bridge.multicast;

import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.multicast.GroupWireFormat;
import dev.lancast.rtc.multicast.MulticastSender;
import dev.lancast.rtc.srtp.SrtpProfile;
import dev.lancast.rtc.srtp.SrtpSender;

/**
 * Protects a stream's RTP and RTCP with the group key and sends each packet once to the track's
 * multicast group. Runs on the media event loop only (one scratch buffer, no lock).
 */
public final class GroupPublisher implements AutoCloseable {
    private final GroupKey key;
    private final SrtpSender srtp;
    private final MulticastSender video;
    private final MulticastSender audio;
    private final byte[] scratch = new byte[2048];
    private long packetsSent;
    private long bytesSent;

    public GroupPublisher(GroupKey key, MulticastSender video, MulticastSender audio) {
        this.key = key;
        this.srtp = new SrtpSender(SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt());
        this.video = video;
        this.audio = audio;
    }

    public int keyId() {
        return key.id();
    }

    public void publishRtp(boolean isVideo, byte[] buf, int off, int len) {
        publish(isVideo, buf, off, len, false);
    }

    public void publishRtcp(boolean isVideo, byte[] buf, int off, int len) {
        publish(isVideo, buf, off, len, true);
    }

    private void publish(boolean isVideo, byte[] buf, int off, int len, boolean rtcp) {
        if (len > scratch.length - GroupWireFormat.HEADER_LENGTH - 64) {
            return;
        }
        System.arraycopy(buf, off, scratch, GroupWireFormat.HEADER_LENGTH, len);
        int n = rtcp
                ? srtp.protectRtcp(scratch, GroupWireFormat.HEADER_LENGTH, len)
                : srtp.protectRtp(scratch, GroupWireFormat.HEADER_LENGTH, len);
        GroupWireFormat.writeHeader(scratch, 0, key.id());
        MulticastSender out = isVideo ? video : audio;
        out.write(scratch, 0, GroupWireFormat.HEADER_LENGTH + n);
        out.flush();
        packetsSent++;
        bytesSent += GroupWireFormat.HEADER_LENGTH + n;
    }

    public long packetsSent() {
        return packetsSent;
    }

    public long bytesSent() {
        return bytesSent;
    }

    @Override
    public void close() {
        video.close();
        audio.close();
        srtp.close();
    }
}
