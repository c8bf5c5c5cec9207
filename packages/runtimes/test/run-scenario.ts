// Runs a scenario script in a runtime and reads its one JSON line: the command-line runtimes
// (a child process with an environment that holds nothing of ours) and Chromium (a page's
// console). Shared by the core's and the client's portability tests.
import { spawn } from 'node:child_process';
import type { Browser } from 'playwright-core';

/** The scenario's one JSON line, from the last line of its output. */
export function resultOf<T>(output: string, where: string): T {
  const line = output.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`${where}: the scenario printed no JSON line:\n${output}`);
  }
}

export interface RunOptions {
  readonly script: string;
  readonly timeoutMs: number;
  readonly env?: Record<string, string>;
}

/** Runs `script` in `dir` with `command args…`; rejects on a non-zero exit or no JSON line. */
export function runCommand<T>(
  command: string,
  args: readonly string[],
  dir: string,
  { script, timeoutMs, env = {} }: RunOptions,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = spawn(command, [...args, script], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const where = [command, ...args].join(' ');
      if (code !== 0) {
        reject(new Error(`${where} exited with ${code ?? signal}:\n${stderr}${stdout}`));
        return;
      }
      try {
        resolve(resultOf<T>(stdout, where));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** Opens `url` in a new page of `browser` and resolves to the first line the page logs. */
export async function pageResult<T>(browser: Browser, url: string, timeoutMs: number): Promise<T> {
  const page = await browser.newPage();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const line = new Promise<string>((resolve, reject) => {
      page.on('console', (message) => {
        if (message.type() === 'log') resolve(message.text());
        else if (message.type() === 'error') reject(new Error(`chromium: ${message.text()}`));
      });
      page.on('pageerror', (error) => reject(new Error(`chromium: ${error.stack ?? error}`)));
      timer = setTimeout(
        () => reject(new Error('chromium: the scenario printed nothing')),
        timeoutMs,
      );
    });
    await page.goto(url);
    return resultOf<T>(await line, 'chromium');
  } finally {
    clearTimeout(timer);
  }
}
