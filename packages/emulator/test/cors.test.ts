import { describe, expect, it } from 'vitest';
import { useEmulator } from './helpers.js';

const emulator = useEmulator();

describe('CORS on the API (browsers call it with HH-User-Agent)', () => {
  it.each([
    ['/me', 'GET'],
    ['/manager_accounts/mine', 'GET'],
    ['/oauth/token', 'DELETE'],
  ])('answers the preflight for %s %s', async (path, method) => {
    const response = await fetch(`${emulator().url}${path}`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://127.0.0.1:1',
        'Access-Control-Request-Method': method,
        'Access-Control-Request-Headers': 'authorization,hh-user-agent,x-manager-account-id',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain(method);
    const allowed = response.headers.get('access-control-allow-headers')?.toLowerCase() ?? '';
    for (const header of ['authorization', 'hh-user-agent', 'x-manager-account-id']) {
      expect(allowed).toContain(header);
    }
  });

  it('marks API answers, errors included, as readable cross-origin', async () => {
    const response = await fetch(`${emulator().url}/me`, {
      headers: { Origin: 'http://127.0.0.1:1' },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});
