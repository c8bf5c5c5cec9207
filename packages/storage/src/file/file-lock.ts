/**
 * A cross-process mutex on one lock file. The file is created whole and exclusively: its content
 * is written to a private temp file that is then hard-linked to the lock's path (`link` fails with
 * EEXIST when the lock exists, like `O_CREAT | O_EXCL`), so a lock file is never seen empty or
 * half-written. File systems without hard links fall back to `open(path, 'wx')`.
 *
 * The lock is never broken while its holder lives. The file names its holder (`holder.ts`), and
 * the holder refreshes the file's mtime (a heartbeat) while it holds it. A waiter breaks the lock
 * only when:
 * - the holder is provably gone: same host and pid namespace, and its pid is not running (a
 *   crash, SIGKILL); that is noticed at once, so a dead holder costs its waiters nothing;
 * - or the holder cannot be checked from here (another host or pid namespace, or an unreadable
 *   file) and its heartbeat is older than `staleMs`.
 * A local holder that is alive but stopped (SIGSTOP, a debugger, a long GC pause) keeps its lock
 * however long it is stopped: its waiters fail with a lock timeout instead of breaking it, since a
 * holder that wakes up after its lock was broken would write over what others wrote meanwhile.
 *
 * Breaking is done by one waiter at a time, under a second exclusive file (`<lock>.break`), and
 * by moving the lock file aside before deleting it: if what was moved is not the very lock that
 * was judged (same token), it is put back. The holder checks, right before it commits a write,
 * that the lock file is still its own (`verify`), and releases by the same move-and-check.
 */
import { randomUUID } from 'node:crypto';
import { type FileHandle, link, open, rename, stat, unlink } from 'node:fs/promises';
import { currentHolder, type Holder, holderIsGone, isLocal, parseHolder } from './holder.js';

export interface FileLockOptions {
  /**
   * A lock whose holder cannot be checked from here (another host or pid namespace) is broken
   * when its heartbeat is older than this. The holder beats every `staleMs / 6`.
   */
  readonly staleMs: number;
  /** Stops the wait: acquireFileLock then rejects with the signal's reason. */
  readonly signal: AbortSignal;
}

/** The lock file no longer is this holder's (it was judged stale and broken). */
export class FileLockLost extends Error {
  override name = 'FileLockLost';
}

export interface HeldFileLock {
  /** Resolves if the lock file is still this holder's; else rejects with `FileLockLost`. */
  verify(): Promise<void>;
  /** Stops the heartbeat and removes the lock file if it is still this holder's. */
  release(): Promise<void>;
}

interface LockBody extends Holder {
  readonly token: string;
}

interface SeenLock {
  readonly body: LockBody | undefined;
  readonly ino: number;
  readonly dev: number;
  readonly mtimeMs: number;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}

const ignore = (): undefined => undefined;

/** Errors of `link` meaning "this file system has no hard links". */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Creates `path` with `body` unless it exists; returns the open handle of the new file (its
 * inode is the lock), or undefined when someone else's file is there.
 */
async function createExclusive(path: string, body: string): Promise<FileHandle | undefined> {
  const temp = `${path}.${randomUUID()}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  let outcome: 'created' | 'exists' | 'no-links';
  try {
    await handle.writeFile(body, 'utf8');
    try {
      await link(temp, path);
      outcome = 'created';
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EEXIST') outcome = 'exists';
      else if (code !== undefined && NO_LINKS.has(code)) outcome = 'no-links';
      else throw error;
    }
  } catch (error) {
    await handle.close().catch(ignore);
    throw error;
  } finally {
    await unlink(temp).catch(ignore);
  }
  if (outcome === 'created') return handle;
  await handle.close().catch(ignore);
  return outcome === 'exists' ? undefined : createWithOpen(path, body);
}

/** The fallback without hard links: O_EXCL, then the content (a reader may see it empty first). */
async function createWithOpen(path: string, body: string): Promise<FileHandle | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return undefined;
    throw error;
  }
  try {
    await handle.writeFile(body, 'utf8');
  } catch (error) {
    await handle.close().catch(ignore);
    await unlink(path).catch(ignore);
    throw error;
  }
  return handle;
}

/** The lock file at `path` as it is now (content and metadata of one open file), or undefined. */
async function look(path: string): Promise<SeenLock | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  let text: string;
  let info: Awaited<ReturnType<FileHandle['stat']>>;
  try {
    info = await handle.stat();
    text = await handle.readFile('utf8');
  } finally {
    await handle.close().catch(ignore);
  }
  let body: LockBody | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    const holder = parseHolder(parsed);
    const token = (parsed as { token?: unknown }).token;
    if (holder !== undefined && typeof token === 'string') body = { ...holder, token };
  } catch {
    // Not JSON: an empty file of the no-hard-link fallback, or garbage. Judged by its age.
  }
  return { body, ino: info.ino, dev: info.dev, mtimeMs: info.mtimeMs };
}

const sameLock = (a: SeenLock, b: SeenLock): boolean =>
  a.body !== undefined && b.body !== undefined
    ? a.body.token === b.body.token
    : a.ino === b.ino && a.dev === b.dev && a.mtimeMs === b.mtimeMs;

/** Whether a waiter may break this lock now (see the module comment). */
function breakable(seen: SeenLock, staleMs: number): boolean {
  if (seen.body !== undefined && isLocal(seen.body)) return holderIsGone(seen.body);
  return Date.now() - seen.mtimeMs > staleMs;
}

/**
 * Removes the file at `path` if it is still `judged`: moves it aside, then deletes what was moved
 * if it is the same lock, or puts it back (a link never overwrites) if someone took the lock in
 * between.
 */
async function removeIfSame(path: string, judged: SeenLock): Promise<void> {
  const aside = `${path}.${randomUUID()}.broken`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  const moved = await look(aside);
  if (moved === undefined || sameLock(moved, judged)) {
    await unlink(aside).catch(ignore);
    return;
  }
  await link(aside, path).catch(ignore);
  await unlink(aside).catch(ignore);
}

const guardBody = (): string => JSON.stringify({ ...currentHolder(), token: randomUUID() });

/** Breaks the lock at `path` if it may be broken; returns whether to try to take it again at once. */
async function breakIfGone(path: string, staleMs: number): Promise<boolean> {
  const seen = await look(path);
  if (seen === undefined) return true;
  if (!breakable(seen, staleMs)) return false;
  const guardPath = `${path}.break`;
  const guard = await createExclusive(guardPath, guardBody());
  if (guard === undefined) {
    // Another waiter is breaking it, or died doing so: its guard is judged like a lock.
    const other = await look(guardPath);
    if (other !== undefined && breakable(other, staleMs)) await removeIfSame(guardPath, other);
    return false;
  }
  try {
    const again = await look(path);
    if (again !== undefined && sameLock(again, seen)) await removeIfSame(path, seen);
  } finally {
    const mine = await guard.stat();
    await guard.close().catch(ignore);
    const now = await stat(guardPath).catch(ignore);
    if (now !== undefined && now.ino === mine.ino && now.dev === mine.dev) {
      await unlink(guardPath).catch(ignore);
    }
  }
  return true;
}

const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Takes the lock at `path`, waiting (short randomized pauses) until it is free, breakable, or
 * `signal` aborts. Holds it until `release()`, beating its heartbeat meanwhile.
 */
export async function acquireFileLock(
  path: string,
  options: FileLockOptions,
): Promise<HeldFileLock> {
  const { signal, staleMs } = options;
  const body = JSON.stringify({ ...currentHolder(), token: randomUUID() } satisfies LockBody);
  let wait = 1;
  let handle: FileHandle | undefined;
  for (;;) {
    signal.throwIfAborted();
    handle = await createExclusive(path, body);
    if (handle !== undefined) break;
    if (await breakIfGone(path, staleMs)) continue;
    await pause(wait + Math.random() * wait, signal);
    wait = Math.min(wait * 2, 25);
  }
  const held = handle;
  let mine: Awaited<ReturnType<FileHandle['stat']>>;
  try {
    mine = await held.stat();
  } catch (error) {
    // Without its identity the lock could not be checked or released: give it up at once.
    await held.close().catch(ignore);
    await unlink(path).catch(ignore);
    throw error;
  }
  const heartbeat = setInterval(
    () => {
      const now = new Date();
      held.utimes(now, now).catch(ignore);
    },
    Math.max(1, Math.floor(staleMs / 6)),
  );
  // A holder that is done but not yet released must not keep the process alive.
  heartbeat.unref();

  const isMine = async (at: string): Promise<boolean> => {
    const now = await stat(at).catch(ignore);
    return now !== undefined && now.ino === mine.ino && now.dev === mine.dev;
  };

  return {
    async verify() {
      if (!(await isMine(path))) {
        throw new FileLockLost('the lock file was broken by another process while held');
      }
    },
    async release() {
      clearInterval(heartbeat);
      try {
        if (!(await isMine(path))) return;
        // Move aside, then check: between the check above and an unlink, the file could change.
        const aside = `${path}.${randomUUID()}.released`;
        try {
          await rename(path, aside);
        } catch (error) {
          if (errorCode(error) === 'ENOENT') return;
          throw error;
        }
        if (!(await isMine(aside))) await link(aside, path).catch(ignore);
        await unlink(aside).catch(ignore);
      } finally {
        await held.close().catch(ignore);
      }
    },
  };
}
