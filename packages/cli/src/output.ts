/**
 * Everything the command line writes: results on stdout (text, or one JSON document with
 * `--json`), messages, spinners and errors on stderr. Colours only when the stream is a terminal,
 * never with `NO_COLOR` (any non-empty value) or `TERM=dumb`.
 *
 * @see https://no-color.org/ NO_COLOR
 */
import type { Readable, Writable } from 'node:stream';
import { isHhOAuthError } from '@hh-oauth/core';
import { hintFor } from './hints.js';

export type OutStream = Writable & { readonly isTTY?: boolean };
export type InStream = Readable & { readonly isTTY?: boolean };

export interface Io {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly stdin: InStream;
  readonly env: NodeJS.ProcessEnv;
}

export interface Colors {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

export function colorsEnabled(stream: OutStream, env: NodeJS.ProcessEnv): boolean {
  const noColor = env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}

export function colorsFor(stream: OutStream, env: NodeJS.ProcessEnv): Colors {
  const enabled = colorsEnabled(stream, env);
  const sgr = (open: number, close: number) => (text: string) =>
    enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    enabled,
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
  };
}

/** True when a person is at the keyboard: prompts and spinners only then. */
export function interactive(io: Io): boolean {
  return io.stdin.isTTY === true && io.stderr.isTTY === true;
}

export function writeLine(stream: OutStream, text = ''): void {
  stream.write(`${text}\n`);
}

export function printJson(io: Io, value: unknown): void {
  writeLine(io.stdout, JSON.stringify(value));
}

/** An error's message without the library's `[hh-oauth] ` prefix (other prefixes stay). */
export function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^\[hh-oauth\] /, '');
}

/**
 * Prints an error and its hint on stderr: two lines of text, or with `--json` one line
 * `{"error":{code, recovery, reason?, message, hint, status?, errors?, retryAt?}}`. Only the
 * error's own secret-free fields are shown (core builds messages from codes, never from values).
 */
export function printError(io: Io, error: unknown, options: { profile: string; json: boolean }) {
  const hint = hintFor(error, options.profile);
  const message = messageOf(error);
  if (options.json) {
    const fields = isHhOAuthError(error)
      ? error.toJSON()
      : { code: 'unexpected', recovery: 'none', message };
    writeLine(io.stderr, JSON.stringify({ error: { ...fields, message, hint } }));
    return;
  }
  const c = colorsFor(io.stderr, io.env);
  const code = isHhOAuthError(error) ? ` (${error.code})` : '';
  writeLine(io.stderr, `${c.red(c.bold('error'))}: ${message}${code}`);
  if (isHhOAuthError(error) && error.errors !== undefined) {
    for (const entry of error.errors) {
      writeLine(io.stderr, `  hh.ru: ${entry.type}${entry.value ? ` ${entry.value}` : ''}`);
    }
  }
  writeLine(io.stderr, `${c.yellow('hint')}: ${hint}`);
}
