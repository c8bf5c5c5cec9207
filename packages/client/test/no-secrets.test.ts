/**
 * The callback is where a code travels through the app's hands: every way a callback URL can be
 * wrong — relative, malformed, forged, denied, replayed, for another browser — must fail without
 * the code (or anything else secret) in the error, its cause chain or its stack.
 */
import { parseCallback, readCallbackUrl } from '@hh-oauth/core';
import { type Emulator, startEmulator } from '@hh-oauth/emulator';
import { createMemoryStore } from '@hh-oauth/storage';
import { expectNoSecretShown, rejectionOf } from '@hh-oauth/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor } from './helpers.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(() => emulator?.close());

const CODE = `hhc_${'Q'.repeat(43)}`;

function callbacks(base: string, state: string): string[] {
  const path = new URL(base).pathname;
  return [
    `${path}?code=${CODE}&state=${state}`,
    `?code=${CODE}&state=${state}`,
    `//evil.example${path}?code=${CODE}&state=${state}`,
    `not a url ${CODE}`,
    `${base}?code=${CODE}`,
    `${base}?code=${CODE}&state=forged`,
    `${base}?code=${CODE}&state=${state}&state=${state}`,
    `${base}?code=${CODE}&code=${CODE}&state=${state}`,
    `${base}?error=access_denied&code=${CODE}&state=${state}`,
    `${base}?error=server_error&error_description=busy&code=${CODE}&state=${state}`,
    `${base}?state=${state}`,
    `${base}?code=&state=${state}`,
  ];
}

describe('no secret in any error of the callback path', () => {
  it('parseCallback and readCallbackUrl, relative and absolute URLs', () => {
    let thrown = 0;
    for (const url of callbacks('https://app.example/cb', 'S')) {
      for (const run of [
        () => parseCallback(url, { expectedState: 'S' }),
        () => parseCallback(url, { expectedState: '' }),
        () => readCallbackUrl(url),
      ]) {
        try {
          run();
        } catch (error) {
          thrown++;
          expectNoSecretShown(error);
          // A description hh.ru sent is kept, but never in the message shown to users.
          expect(String(error)).not.toContain(CODE);
        }
      }
    }
    expect(thrown).toBeGreaterThan(20);
  });

  it('completeAuthorization, for every broken callback, and for a replay', async () => {
    const hh = clientFor(emulator, createMemoryStore());
    const { state } = await hh.startAuthorization();
    const codes = new Set<string>();
    for (const url of callbacks(emulator.app.redirectUri, state)) {
      const error = await rejectionOf(hh.completeAuthorization(url, { expectedState: state }));
      codes.add(error.code);
    }
    // A real code, used once, then replayed.
    const { state: second } = await hh.startAuthorization();
    const code = emulator.controls.issueCode({
      clientId: emulator.app.clientId,
      login: 'applicant@example.com',
      redirectUri: emulator.app.redirectUri,
    });
    const good = `${emulator.app.redirectUri}?code=${code}&state=${second}`;
    await hh.completeAuthorization(good, { expectedState: second });
    const replay = await rejectionOf(hh.completeAuthorization(good, { expectedState: second }));
    expect(replay.code).toBe('state_mismatch');
    expect(String(replay)).not.toContain(code);
    expect([...codes].sort()).toEqual(
      expect.arrayContaining(['invalid_callback_url', 'state_missing', 'state_mismatch']),
    );
  });
});
