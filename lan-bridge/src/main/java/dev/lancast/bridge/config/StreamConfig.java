package dev.lancast.bridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lancast.rtc.config.Tokens;
import java.util.ArrayList;
import java.util.List;

/**
 * One stream a broadcaster may publish (an entry of the bridge config's {@code streams}): its WHIP
 * tokens, its groups and layers, and who may watch it.
 *
 * @param maxBitrate               bit/s the broadcaster may send in all (REMB); 0: 2.5 Mbit/s, 4 Mbit/s with layers
 * @param ttl                      overrides multicast.ttl for this stream (null: the global one)
 * @param iface                    overrides multicast.interface for this stream (null: the global one)
 * @param ssm                      gateways join source-specific (IGMPv3/MLDv2 with the bridge as source)
 * @param keyframeIntervalMs       at most one keyframe request to the broadcaster per this many ms (0: 500)
 * @param viewers                  who may watch (null: anyone who reaches a gateway)
 * @param layers                   simulcast: the video layers and their groups (null: one layer, the video group)
 */
public record StreamConfig(
        String name,
        List<String> tokens,
        long maxBitrate,
        TrackGroup video,
        TrackGroup audio,
        Integer ttl,
        @JsonProperty("interface") String iface,
        boolean ssm,
        int keyframeIntervalMs,
        ViewerSettings viewers,
        LayerSettings layers) {
    public StreamConfig {
        if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("stream name must be 1..64 of A-Z a-z 0-9 _ -, got '" + name + "'");
        }
        if (tokens == null || tokens.isEmpty()) {
            throw new IllegalArgumentException("stream '" + name + "' needs at least one WHIP token");
        }
        tokens = Tokens.checkAll("tokens", tokens, "WHIP token");
        if (video == null || audio == null) {
            throw new IllegalArgumentException("stream '" + name + "' needs video and audio groups");
        }
        layers = layers == null ? LayerSettings.SINGLE : layers.derive(video);
        maxBitrate = maxBitrate != 0 ? maxBitrate : layers.count() > 1 ? 4_000_000 : 2_500_000;
        if (ttl != null && (ttl < 1 || ttl > 255)) {
            throw new IllegalArgumentException("ttl must be 1..255, got " + ttl);
        }
        keyframeIntervalMs = keyframeIntervalMs == 0 ? 500 : keyframeIntervalMs;
        if (keyframeIntervalMs < 100 || keyframeIntervalMs > 10_000) {
            throw new IllegalArgumentException("keyframeIntervalMs must be 100..10000, got " + keyframeIntervalMs);
        }
    }

    /** Every setting but the layers (one video layer). */
    public StreamConfig(
            String name,
            List<String> tokens,
            long maxBitrate,
            TrackGroup video,
            TrackGroup audio,
            Integer ttl,
            String iface,
            boolean ssm,
            int keyframeIntervalMs,
            ViewerSettings viewers) {
        this(name, tokens, maxBitrate, video, audio, ttl, iface, ssm, keyframeIntervalMs, viewers, null);
    }

    /** A stream with every optional setting at its default. */
    public static StreamConfig of(
            String name, List<String> tokens, long maxBitrate, TrackGroup video, TrackGroup audio) {
        return new StreamConfig(name, tokens, maxBitrate, video, audio, null, null, false, 0, null);
    }

    /** The group of video layer i (layer 0: the video group). */
    public TrackGroup layerGroup(int layer) {
        return layer == 0 ? video : layers.groups().get(layer - 1);
    }

    /** Every group of the stream: its video layers', then audio's. */
    public List<TrackGroup> groups() {
        List<TrackGroup> all = new ArrayList<>();
        for (int i = 0; i < layers.count(); i++) {
            all.add(layerGroup(i));
        }
        all.add(audio);
        return all;
    }
}
