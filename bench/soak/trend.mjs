// The soak's growth test: is a series (one process's RSS, heap, threads or descriptors, sampled
// every minute) growing, beyond noise? Robust to noise and to outliers: the Theil-Sen slope (the
// median of the slopes between every pair of samples) projected over the run must exceed a
// tolerance, AND the median of the last third must exceed the median of the first third by half
// that tolerance. A sawtooth (GC, sessions coming and going) moves neither median much.

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Theil-Sen slope of points [{ x, y }] (units of y per unit of x). */
export function theilSen(points) {
  const slopes = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      if (points[j].x !== points[i].x) slopes.push((points[j].y - points[i].y) / (points[j].x - points[i].x));
    }
  }
  return slopes.length ? median(slopes) : 0;
}

/**
 * @param points    [{ x: minutes, y }], in time order
 * @param tolerance growth over the series' span that counts as noise (same unit as y)
 * @returns { growing, projected, thirds, slope }
 */
export function growth(points, tolerance) {
  const span = points.length > 1 ? points.at(-1).x - points[0].x : 0;
  const slope = theilSen(points);
  const projected = slope * span;
  const third = Math.max(1, Math.floor(points.length / 3));
  const thirds = median(points.slice(-third).map((p) => p.y)) - median(points.slice(0, third).map((p) => p.y));
  return { growing: projected > tolerance && thirds > tolerance / 2, projected, thirds, slope };
}

/** What counts as noise for each sampled quantity: an absolute floor, or a share of its median. */
export const TOLERANCE = {
  threads: (m) => Math.max(4, 0.1 * m),
  fds: (m) => Math.max(16, 0.1 * m),
  rssMB: (m) => Math.max(64, 0.2 * m),
  heapMB: (m) => Math.max(32, 0.25 * m),
};
