#!/usr/bin/env bash
# Makes the looping test clip that `lancast send` publishes, from ffmpeg's synthetic sources only
# (no third-party footage): 4 s of testsrc2 at 640x360/30 fps with a running timestamp, as VP8
# (keyframe every 30 frames so a joining viewer waits at most 1 s; no alt-ref frames, which RTP
# senders cannot reorder) in IVF, and a 440 Hz tone with a beep each second as 20 ms Opus in Ogg.
# Run by hand when the clip should change; the build only reads the committed files.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/src/main/resources/clip"
mkdir -p "$out"
ffmpeg -v error -y -f lavfi -i "testsrc2=size=640x360:rate=30:duration=4" \
  -vf "drawtext=text='lancast %{pts\:hms}':x=20:y=20:fontsize=28:fontcolor=white:box=1:boxcolor=black@0.6" \
  -c:v libvpx -deadline realtime -cpu-used 8 -b:v 400k -minrate 400k -maxrate 400k \
  -g 30 -keyint_min 30 -auto-alt-ref 0 -lag-in-frames 0 -error-resilient 1 \
  -f ivf "$out/testclip.ivf" 2>/dev/null \
|| ffmpeg -v error -y -f lavfi -i "testsrc2=size=640x360:rate=30:duration=4" \
  -c:v libvpx -deadline realtime -cpu-used 8 -b:v 400k -minrate 400k -maxrate 400k \
  -g 30 -keyint_min 30 -auto-alt-ref 0 -lag-in-frames 0 -error-resilient 1 \
  -f ivf "$out/testclip.ivf"
ffmpeg -v error -y -f lavfi -i "sine=frequency=440:beep_factor=4:duration=4:sample_rate=48000" \
  -ac 2 -c:a libopus -b:a 48k -frame_duration 20 -application audio \
  -f ogg "$out/testclip.opus"
ls -l "$out"
