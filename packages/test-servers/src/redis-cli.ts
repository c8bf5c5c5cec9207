/** Finding the Redis programs and asking a server something through `redis-cli`. */
import { execFile } from 'node:child_process';
import { findBinary } from './process.js';

/** `redis-server`: `$REDIS_SERVER`, else on PATH; throws with what to install. */
export function redisServerBinary(given?: string): string {
  const binary = given ?? process.env['REDIS_SERVER'] ?? findBinary('redis-server');
  if (binary === undefined) {
    throw new Error(
      'redis-server was not found on PATH. Install it (Debian: apt-get install redis-server; ' +
        'scripts/test-all.sh does this) or set REDIS_SERVER to its path.',
    );
  }
  return binary;
}

/** `redis-cli`: `$REDIS_CLI`, else on PATH; throws with what to install. */
export function redisCliBinary(): string {
  const binary = process.env['REDIS_CLI'] ?? findBinary('redis-cli');
  if (binary === undefined) {
    throw new Error(
      'redis-cli was not found on PATH. Install it (Debian: apt-get install redis-tools; ' +
        'scripts/test-all.sh does this) or set REDIS_CLI to its path.',
    );
  }
  return binary;
}

/** Runs `redis-cli args…` and resolves to its output; rejects with the output when it fails. */
export function redisCli(args: readonly string[], timeoutMs = 30_000): Promise<string> {
  const cli = redisCliBinary();
  return new Promise((resolve, reject) => {
    execFile(cli, [...args], { timeout: timeoutMs }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (error) reject(new Error(`redis-cli ${args.join(' ')} failed: ${output.trim()}`));
      else if (/^(ERR|\(error\))/m.test(stdout))
        reject(new Error(`redis-cli ${args.join(' ')}: ${stdout.trim()}`));
      else resolve(stdout);
    });
  });
}

/** `redis-cli -p port command…` against 127.0.0.1. */
export const ask = (port: number, ...command: string[]): Promise<string> =>
  redisCli(['-h', '127.0.0.1', '-p', String(port), ...command]);

/** Polls `check` every 50 ms until it holds, or throws `what` after `timeoutMs`. */
export async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} did not happen within ${timeoutMs} ms${last ? `: ${last}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
