// Checks every page test makes: an accessibility audit with axe-core run inside the page, and
// screenshots at desktop and phone sizes under e2e/target/screenshots/ (docs/screenshots/ holds
// copies of the current ones, shown in the README).
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCREENSHOT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'target', 'screenshots');
export const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core in `page` and returns the violations of impact serious or critical (each with
 * its rule, impact and the first offending elements). Evaluated over the DevTools protocol, so
 * the page's Content-Security-Policy, which allows no inline script, stays as it is.
 */
export async function seriousViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Screenshots `page` at each size into SCREENSHOT_DIR as NAME-desktop.png and NAME-phone.png. */
export async function screenshots(page, name, { settleMs = 1500 } = {}) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const written = [];
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(settleMs); // layout, and the next stats refresh, at the new size
    const path = resolve(SCREENSHOT_DIR, `${name}-${size}.png`);
    await page.screenshot({ path });
    written.push(path);
  }
  await page.setViewportSize(SIZES.desktop);
  return written;
}
