// Bad WHIP/WHEP requests, and bad quality reports on a WHEP session, get precise errors and do not
// disturb a viewer that is playing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectVideoGrowing, openViewer, waitForMedia, withFixture } from '../lib/harness.mjs';

const MALFORMED_SDP = 'v=0\r\nfoo';

test('bad WHIP/WHEP requests are rejected and the live viewer keeps playing', { timeout: 160_000 }, (t) =>
  withFixture({ timeoutMs: 150_000 }, async (fx) => {
    const demo = await fx.demo({ testPattern: true });
    const browser = await fx.browser();
    const viewer = await openViewer(browser, demo.viewerUrl);
    await waitForMedia(viewer.page, { frames: 30, timeoutMs: 60_000 });

    const offers = await realOffers(viewer.page);
    const whip = (path, init) => fetch(new URL(path, demo.bridgeBase), { method: 'POST', ...init });
    const whep = (path, init) => fetch(new URL(path, demo.gatewayBase), { method: 'POST', ...init });
    const sdp = 'application/sdp';
    const auth = { Authorization: `Bearer ${demo.token}` };
    // Every check runs and reports on its own; a failure still fails the test (and prints logs).
    const failed = [];
    const check = (name, fn) => t.test(name, async () => {
      try { await fn(); } catch (err) { failed.push(name); throw err; }
    });

    await check('WHIP with a wrong content type is 415', async () => {
      const res = await whip('/whip/main', { headers: { ...auth, 'Content-Type': 'text/plain' }, body: offers.send });
      await expectStatus(res, 415);
    });
    await check('WHIP without a token is 401', async () => {
      const res = await whip('/whip/main', { headers: { 'Content-Type': sdp }, body: offers.send });
      await expectStatus(res, 401);
    });
    await check('WHIP with a wrong token is 401', async () => {
      const res = await whip('/whip/main', {
        headers: { 'Content-Type': sdp, Authorization: 'Bearer not-the-token' }, body: offers.send,
      });
      await expectStatus(res, 401);
    });
    await check('WHIP to an unknown stream is 404', async () => {
      const res = await whip('/whip/no-such-stream', { headers: { ...auth, 'Content-Type': sdp }, body: offers.send });
      await expectStatus(res, 404);
    });
    await check('WHIP with malformed SDP is 400 with a reason', async () => {
      const res = await whip('/whip/main', { headers: { ...auth, 'Content-Type': sdp }, body: MALFORMED_SDP });
      const reason = await expectStatus(res, 400);
      assert.ok(reason.trim().length > 0, 'the 400 body gives a reason');
    });
    await check('WHEP with malformed SDP is 400', async () => {
      const res = await whep('/whep/main', { headers: { 'Content-Type': sdp }, body: MALFORMED_SDP });
      await expectStatus(res, 400);
    });
    await check('WHEP for an unknown stream is 404', async () => {
      const res = await whep('/whep/no-such-stream', { headers: { 'Content-Type': sdp }, body: offers.recv });
      await expectStatus(res, 404);
    });
    await check('WHIP answers a CORS preflight and exposes Location', async () => {
      const res = await fetch(new URL('/whip/main', demo.bridgeBase), {
        method: 'OPTIONS',
        headers: {
          Origin: 'http://other.example',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization, content-type',
        },
      });
      assert.ok(res.ok, `preflight status ${res.status}`);
      assert.ok(res.headers.get('access-control-allow-origin'), 'Access-Control-Allow-Origin is set');
      const exposed = (res.headers.get('access-control-expose-headers') ?? '').toLowerCase();
      assert.match(exposed, /\blocation\b/, `Access-Control-Expose-Headers "${exposed}" names Location`);
    });

    // The viewer page's quality reports (POST {session}/quality): the session URL is the credential.
    const sessionUrl = await viewer.page.evaluate(() => window.lancastViewer.sessionUrl);
    const report = (url, body, type = 'application/json') => fetch(`${url}/quality`, {
      method: 'POST', headers: { 'Content-Type': type }, body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const good = { freezes: 0, freezeMs: 0, stallMs: 40, lost: 0, received: 10 };
    // Each refused request below was admitted first (the body is read only then): 2 s apart.
    const pause = () => new Promise((done) => setTimeout(done, 2100));
    await check('a quality report on a session that does not exist is 404', async () => {
      await expectStatus(await report(`${demo.gatewayBase}/whep/main/0123456789abcdef01234567`, good), 404);
      await expectStatus(await report(sessionUrl.replace('/whep/main/', '/whep/other/'), good), 404);
    });
    await check('a quality report that is too large is 413', async () => {
      await expectStatus(await report(sessionUrl, ' '.repeat(2048)), 413);
    });
    await check('a malformed quality report is 400 with the reason', async () => {
      await pause();
      const reason = await expectStatus(await report(sessionUrl, { ...good, freezes: 1.5 }), 400);
      assert.match(reason, /freezes must be a whole number/);
    });
    await check('a quality report of another type is 415', async () => {
      await pause();
      await expectStatus(await report(sessionUrl, JSON.stringify(good), 'application/x-www-form-urlencoded'), 415);
    });
    await check('a second quality report within 2 s is 429 with Retry-After', async () => {
      await pause();
      const first = await report(sessionUrl, good);
      const second = await report(sessionUrl, good);
      assert.equal(first.status, 204, `the first: ${first.status} ${await first.text()}`);
      await expectStatus(second, 429);
      assert.equal(second.headers.get('retry-after'), '2');
    });

    await expectVideoGrowing(viewer.page, { durationMs: 3_000 });
    assert.equal(await viewer.page.evaluate(() => window.lancastViewer.sessions), 1,
      'the viewer kept its first session');
    assert.deepEqual(failed, [], 'checks that failed');
  }));

async function expectStatus(res, status) {
  const body = await res.text();
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${body}`);
  return body;
}

// Offers with gathered host candidates, so that only the aspect under test is wrong.
function realOffers(page) {
  return page.evaluate(async () => {
    const offer = async (direction) => {
      const pc = new RTCPeerConnection();
      pc.addTransceiver('audio', { direction });
      pc.addTransceiver('video', { direction });
      await pc.setLocalDescription(await pc.createOffer());
      const deadline = Date.now() + 2000;
      while (pc.iceGatheringState !== 'complete' && Date.now() < deadline) {
        await new Promise((done) => setTimeout(done, 20));
      }
      const { sdp } = pc.localDescription;
      pc.close();
      return sdp;
    };
    return { send: await offer('sendonly'), recv: await offer('recvonly') };
  });
}
