import { CallbackError } from '@hh-oauth/core';
import { describe, expect, it } from 'vitest';
import { expectNoSecretShown, registerSecret, rejectionOf, shownBy } from './errors.js';

const TOKEN = `hhr_${'A'.repeat(43)}`;

describe('the secret check every rejection goes through', () => {
  it('finds an issued token deep in a cause chain, in a hidden property, in an AggregateError', () => {
    const deep = new CallbackError('invalid_callback', 'outer', {
      cause: { level1: { level2: { level3: { level4: { level5: [`x ${TOKEN} y`] } } } } },
    });
    expect(() => expectNoSecretShown(deep)).toThrow(/issued code or token/);

    const hidden = new CallbackError('invalid_callback', 'hidden');
    Object.defineProperty(hidden, 'secretish', { value: TOKEN, enumerable: false });
    expect(shownBy(hidden)).toContain(TOKEN);
    expect(() => expectNoSecretShown(hidden)).toThrow();

    const aggregate = new CallbackError('invalid_callback', 'many', {
      cause: new AggregateError([new Error(`refresh_token=${TOKEN}`)]),
    });
    expect(() => expectNoSecretShown(aggregate)).toThrow();
  });

  it('finds a registered client secret by value, and passes a clean error', async () => {
    const secret = 'CLIENTSECRET0123456789';
    registerSecret(secret);
    expect(() =>
      expectNoSecretShown(new CallbackError('invalid_callback', `client_secret=${secret}`)),
    ).toThrow(/registered secret/);
    const clean = await rejectionOf(
      Promise.reject(new CallbackError('state_missing', 'the callback carries no state')),
    );
    expect(clean.code).toBe('state_missing');
  });
});
