// Every ```ts / ```tsx block of the integration READMEs compiles under the repository's strict
// settings (tsconfig.base.json), against the packages' published types (dist: after `pnpm build`),
// as a new user's project would see them: a README a new user copies from is code, checked as code.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '../../..');
const OUT = join(HERE, '../node_modules/.readme-snippets');

const READMES = [
  'packages/web/README.md',
  'packages/hono/README.md',
  'packages/express/README.md',
  'packages/fastify/README.md',
  'examples/next-app/README.md',
];

interface Snippet {
  readonly readme: string;
  readonly lang: 'ts' | 'tsx';
  readonly code: string;
  readonly firstLine: number;
}

function snippetsOf(readme: string): Snippet[] {
  const lines = readFileSync(join(ROOT, readme), 'utf8').split('\n');
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^```(ts|tsx)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    out.push({
      readme,
      lang: open[1] as 'ts' | 'tsx',
      code: lines.slice(i + 1, end).join('\n'),
      firstLine: i + 2,
    });
    i = end;
  }
  return out;
}

function baseOptions(): ts.CompilerOptions {
  const file = join(ROOT, 'tsconfig.base.json');
  const { config } = ts.readConfigFile(file, ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config, ts.sys, ROOT).options;
}

function diagnose(files: string[], options: ts.CompilerOptions): string[] {
  const program = ts.createProgram(files, { ...options, noEmit: true });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file === undefined || files.includes(d.file.fileName))
    .map((d) => {
      const where =
        d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const name = d.file ? d.file.fileName.slice(OUT.length + 1) : '';
      return `${name}${where ? `:${where.line + 1}` : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

describe('README snippets', () => {
  const snippets = READMES.flatMap(snippetsOf);

  it('every README has its "Sign in with hh.ru" section, under 30 lines', () => {
    for (const readme of READMES) {
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

  it('compile under the strict settings, with no error', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(READMES.length);
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const files = { ts: [] as string[], tsx: [] as string[] };
    for (const [i, s] of snippets.entries()) {
      const name = join(OUT, `${s.readme.replace(/[/.]/g, '_')}-${s.firstLine}-${i}.${s.lang}`);
      // A module of its own (a snippet without imports or exports would be a script).
      writeFileSync(name, `${s.code}\nexport {};\n`);
      files[s.lang].push(name);
    }
    const base = {
      ...baseOptions(),
      types: ['node'],
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
      typeRoots: [join(HERE, '../node_modules/@types')],
      skipLibCheck: true,
    };
    const errors = [
      ...diagnose(files.ts, base),
      // Next.js: its own resolution, JSX, and `@/` for the example's root.
      ...diagnose(files.tsx, {
        ...base,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        jsx: ts.JsxEmit.ReactJSX,
        paths: { '@/*': [join(ROOT, 'examples/next-app/*')] },
      }),
    ];
    expect(errors).toEqual([]);
  });
});
