/**
 * A cross-process mutex on one lock file, created with `O_CREAT | O_EXCL` (`open(path, 'wx')`): the
 * file system decides who wins, on every platform and network file system that honours O_EXCL.
 *
 * A holder that crashed leaves its lock file behind. Such a lock is stale when its holder's pid is
 * gone (same host) or when the file is older than `staleMs`. Breaking a stale lock is itself guarded
 * by a second O_EXCL file (`<lock>.break`): the breaker re-checks, under that guard, that the lock is
 * still the very file it judged stale (same inode and mtime) before it unlinks it, so two breakers
 * can never remove a lock a live process has just taken.
 */
import { randomUUID } from 'node:crypto';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';

export interface FileLockOptions {
  /** A lock file older than this is stale (its holder hung or died on another host). */
  readonly staleMs: number;
  /** Give up after waiting this long. */
  readonly timeoutMs: number;
}

/** Thrown when the lock could not be had within `timeoutMs`. */
export class FileLockTimeout extends Error {
  override name = 'FileLockTimeout';
}

interface LockBody {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
}

const HOST = hostname();
/** The break guard is held for a few file operations; older than this it is left over from a crash. */
const BREAK_STALE_MS = 30_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}

async function createExclusive(path: string, body: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(body, 'utf8');
  } finally {
    await handle.close();
  }
  return true;
}

async function readBody(path: string): Promise<LockBody | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { pid, host, token } = parsed as Record<string, unknown>;
    if (typeof pid !== 'number' || typeof host !== 'string' || typeof token !== 'string') {
      return undefined;
    }
    return { pid, host, token };
  } catch {
    // Missing, or caught between its creation and its first write.
    return undefined;
  }
}

function processIsGone(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return errorCode(error) === 'ESRCH';
  }
}

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** Removes the lock file if it is stale; returns whether the caller should retry at once. */
async function breakIfStale(path: string, staleMs: number): Promise<boolean> {
  const seen = await statOrUndefined(path);
  if (seen === undefined) return true;
  const age = Date.now() - seen.mtimeMs;
  let stale = age > staleMs;
  if (!stale) {
    const body = await readBody(path);
    stale = body !== undefined && body.host === HOST && processIsGone(body.pid);
  }
  if (!stale) return false;

  const guard = `${path}.break`;
  if (!(await createExclusive(guard, String(process.pid)))) {
    const guardStat = await statOrUndefined(guard);
    if (guardStat !== undefined && Date.now() - guardStat.mtimeMs > BREAK_STALE_MS) {
      await unlink(guard).catch(() => undefined);
    }
    return false;
  }
  try {
    const now = await statOrUndefined(path);
    if (now !== undefined && now.ino === seen.ino && now.mtimeMs === seen.mtimeMs) {
      await unlink(path).catch(() => undefined);
    }
  } finally {
    await unlink(guard).catch(() => undefined);
  }
  return true;
}

/**
 * Takes the lock at `path`, waiting (with short randomized sleeps) up to `timeoutMs`. Returns the
 * release function, which removes the lock file only if it is still this holder's.
 */
export async function acquireFileLock(
  path: string,
  options: FileLockOptions,
): Promise<() => Promise<void>> {
  const token = randomUUID();
  const body = JSON.stringify({ pid: process.pid, host: HOST, token } satisfies LockBody);
  const deadline = Date.now() + options.timeoutMs;
  let pause = 1;
  for (;;) {
    if (await createExclusive(path, body)) break;
    if (await breakIfStale(path, options.staleMs)) continue;
    if (Date.now() >= deadline)
      throw new FileLockTimeout(`lock file busy for ${options.timeoutMs} ms`);
    await sleep(pause + Math.random() * pause);
    pause = Math.min(pause * 2, 25);
  }
  return async () => {
    const holder = await readBody(path);
    // Not ours any more: it was judged stale and broken, and someone else holds it now.
    if (holder?.token !== token) return;
    await unlink(path).catch((error: unknown) => {
      if (errorCode(error) !== 'ENOENT') throw error;
    });
  };
}
