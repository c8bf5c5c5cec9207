// The Fastify example, as CI runs it: in Chromium against its in-process emulator.
import { launchChromium } from '@hh-oauth/test-support';
import { it } from 'vitest';
import { driveExample } from '../../../packages/web/test/example-flow.js';
import { startExample } from '../src/start.js';

it('sign in → profile → 15 days → profile after one refresh → sign out', async () => {
  const example = await startExample();
  const browser = await launchChromium();
  try {
    await driveExample(browser, example);
  } finally {
    await browser.close();
    await example.close();
  }
});
