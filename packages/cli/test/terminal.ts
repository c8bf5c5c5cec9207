/**
 * A real terminal for the tests: a tmux server of its own (its own socket and config), one pane
 * running one command, read with `capture-pane` and typed into with `send-keys`. Waiting is
 * bounded polling of the pane (every 25 ms, up to a deadline that fails the test with the screen),
 * never a sleep. The pane stays after its command exits (`remain-on-exit`), so its exit status
 * and last screen can be read.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface Terminal {
  /** The pane's text, wrapped lines joined (`-J`), with `-e` the escape sequences kept. */
  screen(options?: { escapes?: boolean }): Promise<string>;
  /** Waits until the screen matches; returns the match. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Waits until `check(screen)` holds. */
  waitUntil(what: string, check: (screen: string) => boolean, timeoutMs?: number): Promise<void>;
  /** Types text literally (no key names), then Enter when `enter`. */
  type(text: string, options?: { enter?: boolean }): Promise<void>;
  /** Sends a key by tmux's name (`C-c`, `Enter`). */
  key(name: string): Promise<void>;
  /** Waits for the command to end; its exit status. */
  exitCode(timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts `argv` in a fresh tmux server whose environment is exactly `env` (plus TERM), in a pane
 * `width` columns wide (wide enough that an authorize URL fits on one line).
 */
export async function openTerminal(
  argv: readonly string[],
  options: {
    env: NodeJS.ProcessEnv;
    /** Where tmux's config goes, and the command's working directory unless `startDir`. */
    cwd: string;
    startDir?: string;
    width?: number;
    height?: number;
  },
): Promise<Terminal> {
  const socket = `hh-cli-${randomBytes(6).toString('hex')}`;
  const conf = join(options.cwd, `${socket}.conf`);
  await writeFile(
    conf,
    'set -g remain-on-exit on\nset -g history-limit 20000\nset -g status off\nset -g default-terminal xterm-256color\n',
  );
  const env = { ...options.env, TERM: 'xterm-256color' };
  const tmux = (...args: string[]) =>
    exec('tmux', ['-L', socket, '-f', conf, ...args], { env, cwd: options.cwd });
  const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  // The shell prints the status when the command ends (tmux's own #{pane_dead_status} is not
  // always filled in on 3.3a); the pane stays (remain-on-exit) so its last screen can be read.
  const command = `${quoted}; echo "[exit $?]"`;
  await tmux(
    'new-session',
    '-d',
    '-s',
    'cli',
    '-c',
    options.startDir ?? options.cwd,
    '-x',
    String(options.width ?? 300),
    '-y',
    String(options.height ?? 40),
    command,
  );

  const screen = async (o: { escapes?: boolean } = {}) =>
    (await tmux('capture-pane', '-p', '-J', ...(o.escapes ? ['-e'] : []), '-S', '-', '-t', 'cli'))
      .stdout;

  const poll = async <T>(
    what: string,
    probe: () => Promise<T | undefined>,
    timeoutMs: number,
  ): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `terminal: ${what} not seen within ${timeoutMs} ms; screen:\n${await screen()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  return {
    screen,
    waitFor: (pattern, timeoutMs = 20_000) =>
      poll(String(pattern), async () => (await screen()).match(pattern) ?? undefined, timeoutMs),
    waitUntil: async (what, check, timeoutMs = 20_000) => {
      await poll(what, async () => (check(await screen()) ? true : undefined), timeoutMs);
    },
    async type(text, o = {}) {
      await tmux('send-keys', '-t', 'cli', '-l', text);
      if (o.enter) await tmux('send-keys', '-t', 'cli', 'Enter');
    },
    async key(name) {
      await tmux('send-keys', '-t', 'cli', name);
    },
    exitCode: async (timeoutMs = 20_000) =>
      Number(
        (
          await poll(
            'the command exiting',
            async () => (await screen()).match(/^\[exit (\d+)\]$/m) ?? undefined,
            timeoutMs,
          )
        )[1],
      ),
    async close() {
      await tmux('kill-server').catch(() => {});
    },
  };
}
