// Launches the Debian chromium headless for the browser tests. Lives outside test/ so `node --test test/` does not
// count it as a test file.
import { chromium } from 'playwright-core';

/**
 * launch() gives every run a fresh temporary user data dir, and every context its own storage.
 * @param {string[]} [extraArgs] more Chromium switches (e.g. a certificate to trust)
 */
export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
    timeout: 60_000,
  });
}
