import { describe, expect, it } from 'vitest';
import { createSigner } from './signer.js';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

describe('createSigner', () => {
  it('verifies its own signature for the same purpose only', async () => {
    const signer = createSigner(A);
    const signed = await signer.sign('session', 'id-1');
    await expect(signer.verify('session', signed)).resolves.toBe('id-1');
    await expect(signer.verify('state', signed)).resolves.toBeUndefined();
  });

  it('refuses tampered values, tampered signatures, another key and junk', async () => {
    const signer = createSigner(A);
    const signed = await signer.sign('session', 'id-1');
    const [, signature] = signed.split('.');
    for (const forged of [
      `id-2.${signature}`,
      `id-1.${signature?.slice(0, -1)}`,
      await createSigner(B).sign('session', 'id-1'),
      'id-1',
      '.abc',
      'id-1.!!!',
      '',
    ]) {
      await expect(signer.verify('session', forged)).resolves.toBeUndefined();
    }
  });

  it('rotates: the first secret signs, every one verifies', async () => {
    const old = await createSigner(B).sign('session', 'id-1');
    const rotated = createSigner([A, B]);
    await expect(rotated.verify('session', old)).resolves.toBe('id-1');
    await expect(
      createSigner(B).verify('session', await rotated.sign('session', 'x')),
    ).resolves.toBeUndefined();
  });

  it('refuses short secrets with a ConfigurationError', () => {
    expect(() => createSigner('short')).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
    expect(() => createSigner([])).toThrow(
      expect.objectContaining({ recovery: 'fix_configuration' }),
    );
  });
});
