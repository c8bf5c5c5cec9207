/**
 * Debian's Chromium for the browser tests, launched the one way this machine allows: no browser
 * download (playwright-core drives /usr/bin/chromium), headless, and none of the background
 * networking that a closed network refuses. `pnpm test:all` installs the package when missing.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
] as const;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: install Debian's Chromium (apt-get install chromium), or run \`pnpm test:all\`, which does`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}

export { expectNoSecretShown, registerSecret, rejectionOf, shownBy } from './errors.js';
export { createGate, type Gate } from './gate.js';
export { closedPort } from './network.js';
