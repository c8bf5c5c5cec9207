// The review found the emulator answering `302 Location: javascript://…`: an app registered with
// a script scheme as its redirect_uri. Core's validator now refuses such schemes, and the code or
// the error never goes to one: registering fails, and an authorize request is never redirected.
import { describe, expect, it } from 'vitest';
import { FormClient, useEmulator } from './helpers.js';

const emulator = useEmulator();

describe('redirect targets a browser would run or read locally', () => {
  it('cannot be registered, through the controls or over HTTP', async () => {
    for (const redirectUri of [
      'javascript://example.com/%0aalert(1)',
      'vbscript://example.com/x',
      'data://example.com/x',
      'file://example.com/etc/passwd',
    ]) {
      expect(() => emulator().controls.registerApp({ redirectUri })).toThrow();
      const answer = await fetch(`${emulator().url}/__emulator/apps`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ redirectUri }),
      });
      expect(answer.status).toBe(400);
    }
  });

  it('are never redirected to from /oauth/authorize', async () => {
    const app = emulator().controls.registerApp({ redirectUri: 'https://example.com/cb' });
    const client = new FormClient(emulator().url);
    for (const redirectUri of ['javascript://example.com/cb', 'https://example.com/cb?code=x']) {
      const params = new URLSearchParams({
        response_type: 'code',
        client_id: app.clientId,
        redirect_uri: redirectUri,
      });
      const answer = await client.get(`/oauth/authorize?${params}`);
      expect(answer.status).toBe(400);
      expect(answer.location).toBeNull();
    }
  });
});
