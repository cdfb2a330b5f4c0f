// A fake camera that an encoder cannot squeeze: a YUV4MPEG2 file for Chromium's
// --use-file-for-fake-video-capture, whose frames are fresh noise over a moving bar. Chromium's
// built-in test pattern compresses so well that its 720p simulcast layer stays under 1 Mbit/s;
// with this one each layer takes what its encoder is allowed (as a camera in a lecture hall does),
// so a policed viewer's link really is too thin for the top layer.
import { closeSync, openSync, writeSync } from 'node:fs';

/** Writes `frames` frames of width x height at fps (4:2:0) to path. */
export function writeNoiseY4m(path, { width = 1280, height = 720, fps = 10, frames = 10, amplitude = 40 } = {}) {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
    const luma = Buffer.alloc(width * height);
    const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
    let seed = 12345;
    for (let f = 0; f < frames; f++) {
      const bar = Math.floor((f / frames) * width);
      for (let i = 0; i < luma.length; i++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const x = i % width;
        const base = Math.abs(x - bar) < width / 16 ? 200 : 90;
        luma[i] = Math.max(16, Math.min(235, base + ((seed >> 16) % (2 * amplitude)) - amplitude));
      }
      writeSync(fd, 'FRAME\n');
      writeSync(fd, luma);
      writeSync(fd, chroma);
    }
  } finally {
    closeSync(fd);
  }
}
