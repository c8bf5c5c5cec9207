import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script, without type declarations
import { isSharedRange, problemsOf, publishedPackages } from './package-metadata.mjs';

describe('every published package is publishable', () => {
  const packages = publishedPackages();

  it('finds the published packages', () => {
    expect(packages.map((p: { dir: string }) => p.dir)).toEqual(
      expect.arrayContaining(['packages/core', 'packages/client', 'packages/storage']),
    );
  });

  it('has the LICENSE, repository, homepage, bugs, keywords, engines and caret ranges', () => {
    expect(packages.flatMap(problemsOf)).toEqual([]);
  });

  it('tells caret ranges from pinned ones', () => {
    expect(isSharedRange('^5.33.3')).toBe(true);
    expect(isSharedRange('workspace:^')).toBe(true);
    expect(isSharedRange('5.33.3')).toBe(false);
    expect(isSharedRange('workspace:*')).toBe(false);
  });
});
