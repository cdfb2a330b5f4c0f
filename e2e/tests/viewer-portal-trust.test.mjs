// Security review N14: the viewer page followed any ?portal= origin of its own URL, and put the
// viewer token in the query when it went there. Now it goes only to the portal its gateway vouches
// for (GET /api/peers names it), or to a ?portal= on that same host (the bridge's other port).
// The page's module is loaded as the browser loads it; its /api/peers requests go to a real HTTP
// server standing in for the gateway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const moduleUrl = pathToFileURL(path.join(here, '../../web-viewer/src/main/resources/web/assets/viewer-gateways.js'));
const { Gateways } = await import(moduleUrl.href);

/** A gateway that answers GET /api/peers with `answer` (or `status`). */
async function gateway(answer, status = 200) {
  const server = http.createServer((req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}

test('a ?portal= of another host is never followed, the vouched portal is', async () => {
  const gw = await gateway({ name: 'gw-a', peers: [], portal: 'https://bridge.campus.example:8443' });
  try {
    const g = new Gateways('main', 'https://evil.example');
    assert.equal(g.portal(), null, 'no portal before the gateway vouched for one, whatever the URL says');
    await g.ask(gw.url);
    assert.equal(g.portal(), 'https://bridge.campus.example:8443');
  } finally {
    gw.close();
  }
});

test("a ?portal= on the vouched bridge's host (its plain port) is kept", async () => {
  const gw = await gateway({ name: 'gw-a', peers: [], portal: 'https://bridge.campus.example:8443' });
  try {
    const g = new Gateways('main', 'http://bridge.campus.example:8080/watch/main');
    await g.ask(gw.url);
    assert.equal(g.portal(), 'http://bridge.campus.example:8080');
  } finally {
    gw.close();
  }
});

test('a gateway that names no portal, or a non-HTTP one, leaves the page without a portal', async () => {
  for (const portal of [undefined, 'javascript:alert(1)', 'file:///etc/passwd']) {
    const gw = await gateway({ name: 'gw-a', peers: [], portal });
    try {
      const g = new Gateways('main', 'https://evil.example');
      await g.ask(gw.url);
      assert.equal(g.portal(), null, `portal ${portal}`);
    } finally {
      gw.close();
    }
  }
});
