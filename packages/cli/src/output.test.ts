import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CliError, EXIT, exitCodeFor } from './errors.js';
import { colorsEnabled, type Io, type OutStream, printError } from './output.js';

const tty = Object.assign(new PassThrough(), { isTTY: true }) as OutStream;
const pipe = new PassThrough() as OutStream;

describe('colours', () => {
  it('only on a terminal, never with a non-empty NO_COLOR or TERM=dumb', () => {
    expect(colorsEnabled(tty, {})).toBe(true);
    expect(colorsEnabled(pipe, {})).toBe(false);
    expect(colorsEnabled(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colorsEnabled(tty, { NO_COLOR: '' })).toBe(true); // no-color.org: present and not empty
    expect(colorsEnabled(tty, { TERM: 'dumb' })).toBe(false);
  });
});

describe('printError', () => {
  const capture = (json: boolean, error: unknown) => {
    let text = '';
    const stderr = new PassThrough() as OutStream;
    stderr.on('data', (d) => {
      text += d;
    });
    const io: Io = { stdout: pipe, stderr, stdin: new PassThrough(), env: {} };
    printError(io, error, { profile: 'work', json });
    return text;
  };

  it('prints the message with its code and the hint; as one JSON line with --json', () => {
    const error = new CliError('timeout', 'login_timeout', 'nobody came back', 'Run it again.');
    expect(capture(false, error)).toBe('error: nobody came back (timeout)\nhint: Run it again.\n');
    expect(JSON.parse(capture(true, error))).toEqual({
      error: {
        name: 'CliError',
        code: 'timeout',
        recovery: 'retry_later',
        reason: 'login_timeout',
        message: 'nobody came back',
        hint: 'Run it again.',
      },
    });
    expect(exitCodeFor(error)).toBe(EXIT.retryLater);
  });

  it('anything else is a bug, exit 1, with a hint to report it', () => {
    expect(capture(false, new TypeError('x'))).toMatch(/hint: This is a bug in hh-oauth/);
    expect(exitCodeFor(new TypeError('x'))).toBe(EXIT.failure);
  });
});
