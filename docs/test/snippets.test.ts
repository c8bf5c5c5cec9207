// Every TypeScript code block in every README and guide compiles under the repository's strict
// settings, against the built packages as users get them: a snippet that lies fails here.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CodeBlock, codeBlocks, markdownFiles, ROOT } from './markdown.js';

const TYPESCRIPT = new Set(['ts', 'typescript', 'tsx']);
const dir = join(ROOT, 'docs', '.snippets');

describe('code blocks in the documentation', () => {
  const blocks = markdownFiles()
    .flatMap(codeBlocks)
    .filter((block) => TYPESCRIPT.has(block.lang));

  it('finds the snippets of the READMEs', () => {
    expect(blocks.length).toBeGreaterThan(5);
  });

  it('type-check, each as its own module, under the strict tsconfig', () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const byFile = new Map<string, CodeBlock>();
    blocks.forEach((block, index) => {
      const name = `snippet-${String(index).padStart(3, '0')}.${block.lang === 'tsx' ? 'tsx' : 'ts'}`;
      byFile.set(name, block);
      // Each snippet is a module (top-level await allowed) and names where it came from.
      writeFileSync(join(dir, name), `// ${block.file}:${block.line}\n${block.code}\nexport {};\n`);
    });
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.base.json',
        compilerOptions: {
          noEmit: true,
          types: ['node'],
          jsx: 'react-jsx',
          jsxImportSource: 'hono/jsx',
          noUnusedLocals: false,
        },
        include: ['*.ts', '*.tsx'],
      }),
    );
    const tsc = spawnSync(
      process.execPath,
      [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', dir],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    );
    // Report each error at its Markdown source: file, line in the file.
    const errors = (tsc.stdout + tsc.stderr)
      .split('\n')
      .filter((line) => /error TS\d+/.test(line))
      .map((line) => {
        const at = /^(snippet-\d+\.tsx?)\((\d+),(\d+)\): (.*)$/.exec(line);
        const block = at ? byFile.get(at[1] ?? '') : undefined;
        if (!at || !block) return line;
        return `${block.file}:${block.line + Number(at[2]) - 2}: ${at[4]}`;
      });
    expect(errors).toEqual([]);
  });
});
