// The soak's growth test on series made up here: flat noisy ones pass, slow leaks fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { growth, theilSen, TOLERANCE } from './trend.mjs';

const series = (n, f) => Array.from({ length: n }, (_, i) => ({ x: i, y: f(i) }));
// A fixed pseudo-random sequence, so that the test is the same every time.
const noise = (i) => Math.sin(i * 12.9898) * 43758.5453 % 1;

test('Theil-Sen ignores outliers', () => {
  const points = series(30, (i) => 100 + 2 * i);
  points[5].y = 10_000;
  points[20].y = -5_000;
  assert.equal(theilSen(points), 2);
});

test('flat series with noise, spikes and a sawtooth are not growth', () => {
  const threads = series(30, (i) => 60 + Math.round(6 * noise(i)));
  assert.equal(growth(threads, TOLERANCE.threads(60)).growing, false);
  const fds = series(30, (i) => 150 + (i % 5) * 10 + (i === 17 ? 300 : 0));
  assert.equal(growth(fds, TOLERANCE.fds(170)).growing, false);
  const heap = series(30, (i) => 40 + 30 * ((i % 7) / 7));
  assert.equal(growth(heap, TOLERANCE.heapMB(55)).growing, false);
});

test('a leak of a thread a minute, or of 3 MB of RSS a minute, is growth', () => {
  const threads = series(30, (i) => 60 + i + Math.round(3 * noise(i)));
  assert.equal(growth(threads, TOLERANCE.threads(75)).growing, true);
  const rss = series(30, (i) => 300 + 3 * i + 20 * noise(i));
  assert.equal(growth(rss, TOLERANCE.rssMB(345)).growing, true);
});

test('a step at the start (warm-up) that stays flat is not growth', () => {
  const fds = series(30, (i) => (i < 3 ? 100 : 160) + (i % 3));
  assert.equal(growth(fds.slice(3), TOLERANCE.fds(160)).growing, false);
});
