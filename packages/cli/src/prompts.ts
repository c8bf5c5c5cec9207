/**
 * The interactive bits: on @clack/prompts a secret prompt that echoes nothing and a prompt for the
 * URL the browser landed on (`login --manual`); and the spinner while `login` waits. All of them
 * draw on stderr, and only when a person is at a terminal; scripts get plain lines and read stdin.
 */
import { createInterface } from 'node:readline';
import { isCancel, password, text } from '@clack/prompts';
import { CliError } from './errors.js';
import { colorsFor, type Io, interactive, writeLine } from './output.js';

export function cancelled(): CliError {
  return new CliError(
    'invalid_argument',
    'cancelled',
    'cancelled at the prompt',
    'Nothing was changed.',
    {
      recovery: 'none',
    },
  );
}

/** One line from a piped stdin (nothing is shown), or `undefined` at its end. */
export function readLineFromStdin(io: Io): Promise<string | undefined> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: io.stdin, terminal: false });
    let done = false;
    rl.once('line', (line) => {
      done = true;
      rl.close();
      resolve(line.trim());
    });
    rl.once('close', () => {
      if (!done) resolve(undefined);
    });
  });
}

/** Asks for a secret without echoing a character of it. */
export async function askSecret(io: Io, message: string): Promise<string> {
  const answer = await password({
    message,
    mask: '',
    input: io.stdin,
    output: io.stderr,
    withGuide: false,
    validate: (value) => (value ? undefined : 'empty: type the secret, or Ctrl-C'),
  });
  if (isCancel(answer)) throw cancelled();
  return answer.trim();
}

/** Asks for the URL the browser landed on: a prompt on a terminal, else one line of stdin. */
export async function askPastedUrl(io: Io, message: string): Promise<string | undefined> {
  if (!interactive(io)) {
    writeLine(io.stderr, message);
    return readLineFromStdin(io);
  }
  const answer = await text({
    message,
    input: io.stdin,
    output: io.stderr,
    withGuide: false,
    validate: (value) => (value?.trim() ? undefined : 'paste the whole address, or Ctrl-C'),
  });
  if (isCancel(answer)) throw cancelled();
  return answer.trim();
}

export interface Waiting {
  stop(message: string): void;
  fail(message: string): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * A spinner on a terminal (with the seconds waited; Ctrl-C calls `onCancel`); one plain line
 * otherwise. Not clack's spinner: it puts stdin in raw mode and answers Ctrl-C with
 * `process.exit(0)`, so a cancelled login would exit 0 and leave its server to die unclosed.
 */
export function startWaiting(io: Io, message: string, onCancel: () => void): Waiting {
  if (!interactive(io)) {
    writeLine(io.stderr, message);
    return { stop: (m) => writeLine(io.stderr, m), fail: () => {} };
  }
  const c = colorsFor(io.stderr, io.env);
  const started = Date.now();
  let frame = 0;
  const draw = () => {
    const seconds = Math.floor((Date.now() - started) / 1000);
    io.stderr.write(
      `\r\u001b[2K${c.cyan(FRAMES[frame++ % FRAMES.length]!)} ${message} ${c.dim(`${seconds}s`)}`,
    );
  };
  const timer = setInterval(draw, 100);
  const sigint = () => onCancel();
  process.once('SIGINT', sigint);
  draw();
  const end = (mark: string, text: string) => {
    clearInterval(timer);
    process.removeListener('SIGINT', sigint);
    io.stderr.write(`\r\u001b[2K${mark} ${text}\n`);
  };
  return { stop: (m) => end(c.green('✓'), m), fail: (m) => end(c.red('✗'), m) };
}
