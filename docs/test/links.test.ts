// Every relative link in the documentation reaches a file in the repository (and, with a
// #fragment, a heading in it), and no document points outside the repository.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchorOf, anchors, links, markdownFiles, ROOT } from './markdown.js';

describe('links in the documentation', () => {
  const files = markdownFiles();

  it('reads GitHub-style anchors', () => {
    expect(anchorOf('The `TokenStore` interface')).toBe('the-tokenstore-interface');
    expect(anchorOf('§2 Refreshing the pair')).toBe('2-refreshing-the-pair');
    expect(anchorOf('`encryptedStore(store, { keys })`: encryption for any store')).toBe(
      'encryptedstorestore--keys--encryption-for-any-store',
    );
  });

  it('every relative link reaches a file inside the repository, and its heading', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const file of files) {
      for (const link of links(file)) {
        const { target } = link;
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
        checked++;
        const [path = '', fragment] = target.split('#');
        const resolved =
          path === '' ? join(ROOT, file) : normalize(join(ROOT, dirname(file), path));
        const where = `${file}:${link.line} → ${target}`;
        if (relative(ROOT, resolved).startsWith('..')) {
          broken.push(`${where} (outside the repository)`);
          continue;
        }
        if (!existsSync(resolved)) {
          broken.push(`${where} (no such file)`);
          continue;
        }
        if (fragment && statSync(resolved).isFile() && resolved.endsWith('.md')) {
          if (!anchors(relative(ROOT, resolved)).has(fragment)) {
            broken.push(`${where} (no such heading)`);
          }
        }
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(10);
  });
});
