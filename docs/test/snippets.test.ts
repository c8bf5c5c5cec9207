// Every TypeScript code block in every README and guide compiles under the repository's strict
// settings, against the built packages as users get them: a snippet that lies fails here.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    const byFile = new Map<string, CodeBlock>();
    // .ts blocks as a Node project; .tsx blocks are the Next.js example's (React JSX, bundler
    // resolution, `@/` for the example's root).
    const groups = {
      ts: { dir: join(dir, 'ts'), compilerOptions: { types: ['node'] } },
      tsx: {
        dir: join(dir, 'tsx'),
        compilerOptions: {
          types: ['node'],
          module: 'ESNext',
          moduleResolution: 'Bundler',
          jsx: 'react-jsx',
          paths: { '@/*': [join(ROOT, 'examples/next-app/*')] },
        },
      },
    };
    for (const group of Object.values(groups)) mkdirSync(group.dir, { recursive: true });
    blocks.forEach((block, index) => {
      const kind = block.lang === 'tsx' ? 'tsx' : 'ts';
      const name = `snippet-${String(index).padStart(3, '0')}.${kind}`;
      byFile.set(name, block);
      // Each snippet is a module (top-level await allowed) and names where it came from.
      writeFileSync(
        join(groups[kind].dir, name),
        `// ${block.file}:${block.line}\n${block.code}\nexport {};\n`,
      );
    });
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const errors: string[] = [];
    for (const group of Object.values(groups)) {
      writeFileSync(
        join(group.dir, 'tsconfig.json'),
        JSON.stringify({
          extends: join(ROOT, 'tsconfig.base.json'),
          compilerOptions: { noEmit: true, ...group.compilerOptions },
          include: ['*.ts', '*.tsx'],
        }),
      );
      const run = spawnSync(process.execPath, [tsc, '-p', group.dir], {
        cwd: group.dir,
        encoding: 'utf8',
      });
      // Report each error at its Markdown source: file, line in the file.
      for (const line of (run.stdout + run.stderr).split('\n')) {
        if (!/error TS\d+/.test(line)) continue;
        const at = /^(snippet-\d+\.tsx?)\((\d+),(\d+)\): (.*)$/.exec(line);
        const block = at ? byFile.get(at[1] ?? '') : undefined;
        errors.push(
          !at || !block ? line : `${block.file}:${block.line + Number(at[2]) - 2}: ${at[4]}`,
        );
      }
    }
    expect(errors).toEqual([]);
  });

  it('keeps each integration\'s "Sign in with hh.ru" section under 30 lines', () => {
    const readmes = [
      'packages/web/README.md',
      'packages/hono/README.md',
      'packages/express/README.md',
      'packages/fastify/README.md',
      'examples/next-app/README.md',
    ];
    for (const readme of readmes) {
      const text = readFileSync(join(ROOT, readme), 'utf8');
      const start = text.indexOf('## Sign in with hh.ru');
      expect(start, readme).toBeGreaterThan(0);
      const rest = text.slice(start).split('\n');
      const end = rest.findIndex((line, i) => i > 0 && line.startsWith('## '));
      const section = rest.slice(1, end < 0 ? rest.length : end);
      while (section.at(-1)?.trim() === '') section.pop();
      expect(section.length, readme).toBeLessThan(30);
    }
  });
});
