/** What the throwaway test servers share: finding binaries, free ports, child processes. */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** Finds an executable by name on PATH, then in `fallbackDirs`. */
export function findBinary(name: string, fallbackDirs: readonly string[] = []): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), ...fallbackDirs];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Sub-folders of `parent` sorted newest version first (e.g. /usr/lib/postgresql/17, 16, 15). */
export function versionDirs(parent: string): string[] {
  try {
    return readdirSync(parent)
      .filter((name) => /^\d+(\.\d+)?$/.test(name))
      .sort((a, b) => Number(b) - Number(a))
      .map((name) => join(parent, name));
  } catch {
    return [];
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

export interface Started {
  readonly child: ChildProcess;
  /** The last lines the process printed, for error messages. */
  output(): string;
  /** Stops the process with `signal` and waits for it to exit (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/**
 * Starts `command` and resolves once `ready(output)` says so; rejects with the output when the
 * process exits first or `timeoutMs` passes.
 */
export function startProcess(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { ready: (output: string) => boolean; timeoutMs: number; what: string },
): Promise<Started> {
  const { ready, timeoutMs, what, ...spawnOptions } = options;
  const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started: Started = {
    child,
    output: () => output,
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    const fail = (reason: string): void => {
      clearInterval(poll);
      clearTimeout(timer);
      void started.stop('SIGKILL');
      reject(new Error(`${what} ${reason}. Its output:\n${output.trim() || '(none)'}`));
    };
    const timer = setTimeout(() => fail(`did not become ready in ${timeoutMs} ms`), timeoutMs);
    const poll = setInterval(() => {
      if (ready(output)) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(started);
      }
    }, 20);
    child.once('error', (error) => fail(`could not start (${error.message})`));
    child.once('exit', (code, signal) => fail(`exited early (${signal ?? `code ${code}`})`));
  });
}
