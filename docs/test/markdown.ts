// The repository's Markdown, read the way the docs tests need it: every tracked .md file, its
// fenced code blocks with their line numbers, its links and its headings' anchors.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every Markdown file git tracks (or would: untracked but not ignored), relative to the root. */
export function markdownFiles(): string[] {
  const out = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*.md'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return out
    .split('\n')
    .filter((file) => file !== '' && !file.startsWith('.changeset/'))
    .sort();
}

export interface CodeBlock {
  readonly file: string;
  /** 1-based line of the block's first code line. */
  readonly line: number;
  readonly lang: string;
  readonly code: string;
}

/** The fenced code blocks of `file` (``` or ~~~ fences, with a language tag or none). */
export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(```|~~~)\s*([\w-]*)/.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent = '', fence = '', lang = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !(lines[j] ?? '').trimStart().startsWith(fence); j++) {
      body.push((lines[j] ?? '').slice(indent.length));
    }
    blocks.push({ file, line: i + 2, lang, code: body.join('\n') });
    i = j;
  }
  return blocks;
}

/** GitHub's anchor for a heading: lower-cased, punctuation dropped, spaces to hyphens. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_~]/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of `file`'s headings, outside code blocks, with GitHub's -1, -2 … for repeats. */
export function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let inCode = false;
  for (const line of readFileSync(join(ROOT, file), 'utf8').split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inCode = !inCode;
    if (inCode) continue;
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    const base = anchorOf(heading[1] ?? '');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    out.add(count === 0 ? base : `${base}-${count}`);
  }
  return out;
}

export interface Link {
  readonly file: string;
  readonly line: number;
  readonly target: string;
}

/** The Markdown links of `file` outside code blocks: `[text](target)` and `<a href="target">`. */
export function links(file: string): Link[] {
  const out: Link[] = [];
  let inCode = false;
  readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (/^\s*(```|~~~)/.test(line)) inCode = !inCode;
      if (inCode) return;
      const text = line.replace(/`[^`]*`/g, '');
      for (const match of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)|href="([^"]+)"/g)) {
        out.push({ file, line: index + 1, target: match[1] ?? match[2] ?? '' });
      }
    });
  return out;
}
