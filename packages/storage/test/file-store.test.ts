import { execFile, spawn } from 'node:child_process';
import { constants, unlinkSync, writeFileSync } from 'node:fs';
import {
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  rm,
  stat,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireFileLock } from '../src/file/file-lock.js';
import { currentHolder } from '../src/file/holder.js';
import { createFileStore as createFileStoreNow, type FileStoreOptions } from '../src/file/index.js';
import { isStorageError, type TokenStore } from '../src/index.js';
import { compileForChild } from './compile-for-child.js';

const run = promisify(execFile);
const KEY = Buffer.alloc(32, 1);
const OTHER_KEY = Buffer.alloc(32, 2);
const SECRET = 'refresh-token-SECRET-value';

let directory: string;
let path: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'hh-oauth-file-'));
  path = join(directory, 'nested', 'tokens.json');
});
/**
 * Every store a test opens is closed before its folder is removed: a call that timed out may
 * still be finishing its lock attempt (a temp file, a link), and removing the folder under it
 * fails with ENOTEMPTY. `close()` waits for this instance's calls, each bounded by its deadline.
 */
const opened: TokenStore[] = [];
const createFileStore = (options: FileStoreOptions): TokenStore => {
  const store = createFileStoreNow(options);
  opened.push(store);
  return store;
};
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  await rm(directory, { recursive: true, force: true });
});

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

describe('createFileStore', () => {
  it('writes the file with mode 0600, its folder with 0700, and leaves no temp file', async () => {
    const store = createFileStore({ path });
    await store.set('k', 'v', { expectedVersion: 0 });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(directory, 'nested'))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(directory, 'nested'))).toEqual(['tokens.json']);
  });

  it('accepts a key as bytes, hex or base64, and rejects anything else at creation', () => {
    for (const encryptionKey of [
      KEY,
      KEY.toString('hex'),
      KEY.toString('base64'),
      KEY.toString('base64url'),
    ]) {
      expect(createFileStore({ path, encryptionKey }).name).toBe('file');
    }
    for (const encryptionKey of [
      'short',
      Buffer.alloc(16),
      'z'.repeat(64),
      KEY.toString('hex').slice(2),
    ]) {
      let error: unknown;
      try {
        createFileStore({ path, encryptionKey });
      } catch (caught) {
        error = caught;
      }
      expect(isStorageError(error, 'invalid_argument')).toBe(true);
      expect((error as Error).message).toMatch(/^\[hh-oauth\/storage-file\] encryptionKey/);
    }
  });

  it('rejects timeouts that cannot work at creation', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '5000' as never]) {
      expect(() => createFileStore({ path, timeoutMs: bad })).toThrow(
        /^\[hh-oauth\/storage-file\] timeoutMs must be a positive number of ms/,
      );
      expect(() => createFileStore({ path, lockStaleMs: bad })).toThrow(
        /^\[hh-oauth\/storage-file\] lockStaleMs must be a positive number of ms/,
      );
    }
  });

  it('a wrong key fails with decryption_failed, names no secret, and changes nothing', async () => {
    await createFileStore({ path, encryptionKey: KEY }).set('session:abc', SECRET, {
      expectedVersion: 0,
    });
    const before = await readFile(path);
    const wrong = createFileStore({ path, encryptionKey: OTHER_KEY });
    for (const attempt of [
      wrong.get('session:abc'),
      wrong.set('session:abc', 'x', { expectedVersion: 1 }),
      wrong.set('new', 'x', { expectedVersion: 0 }),
      wrong.take('session:abc'),
      wrong.delete('session:abc'),
      wrong.tryLock('l', { ttlMs: 1000 }),
    ]) {
      const error = await failure(attempt);
      expect(isStorageError(error, 'decryption_failed')).toBe(true);
      expect((error as Error).message).toMatch(/^\[hh-oauth\/storage-file\] .*different key/);
      expect(JSON.stringify(error)).not.toContain(SECRET);
      expect((error as Error).message).not.toContain('session:abc');
    }
    expect(await readFile(path)).toEqual(before);
    const right = createFileStore({ path, encryptionKey: KEY.toString('hex') });
    expect(await right.get('session:abc')).toEqual({ value: SECRET, version: 1 });
  });

  it('a tampered ciphertext fails with decryption_failed', async () => {
    await createFileStore({ path, encryptionKey: KEY }).set('k', SECRET, { expectedVersion: 0 });
    const file = JSON.parse(await readFile(path, 'utf8'));
    const data = Buffer.from(file.encryption.data, 'base64');
    data[0] = data[0]! ^ 1;
    file.encryption.data = data.toString('base64');
    await writeFile(path, JSON.stringify(file));
    const error = await failure(createFileStore({ path, encryptionKey: KEY }).get('k'));
    expect(isStorageError(error, 'decryption_failed')).toBe(true);
    expect((error as Error).message).toMatch(/wrong key or tampered/);
  });

  it('refuses a truncated tag, which a decipher not told the tag length would accept', async () => {
    await createFileStore({ path, encryptionKey: KEY }).set('k', SECRET, { expectedVersion: 0 });
    const file = JSON.parse(await readFile(path, 'utf8'));
    for (const bytes of [4, 8, 12, 15]) {
      const truncated = {
        ...file,
        encryption: {
          ...file.encryption,
          tag: Buffer.from(file.encryption.tag, 'base64').subarray(0, bytes).toString('base64'),
        },
      };
      await writeFile(path, JSON.stringify(truncated));
      const error = await failure(createFileStore({ path, encryptionKey: KEY }).get('k'));
      expect(isStorageError(error, 'corrupt')).toBe(true);
    }
  });

  it('binds a sealed file to its path: a copy at another store path does not open', async () => {
    await createFileStore({ path, encryptionKey: KEY }).set('k', SECRET, { expectedVersion: 0 });
    const copy = join(directory, 'copy.json');
    await writeFile(copy, await readFile(path));
    const error = await failure(createFileStore({ path: copy, encryptionKey: KEY }).get('k'));
    expect(isStorageError(error, 'decryption_failed')).toBe(true);
    expect((error as Error).message).toContain('encryptionContext');
    // Moving a store on purpose: its old path as the context opens it.
    const moved = createFileStore({ path: copy, encryptionKey: KEY, encryptionContext: path });
    expect(await moved.get('k')).toEqual({ value: SECRET, version: 1 });
  });

  it('refuses an older sealed file put back, in this process and in a new one', async () => {
    const store = createFileStore({ path, encryptionKey: KEY });
    await store.set('session', 'spent-refresh-token', { expectedVersion: 0 });
    const older = await readFile(path);
    await store.set('session', 'current-refresh-token', { expectedVersion: 1 });
    const current = await readFile(path);
    await writeFile(path, older);
    // This instance saw a newer generation.
    const inProcess = await failure(store.get('session'));
    expect(isStorageError(inProcess, 'rollback')).toBe(true);
    expect(inProcess).toMatchObject({ recovery: 'fix_configuration' });
    // A new process knows it from the generation recorded beside the file.
    const fresh = createFileStore({ path, encryptionKey: KEY });
    for (const attempt of [
      fresh.get('session'),
      fresh.set('session', 'x', { expectedVersion: 1 }),
      fresh.take('session'),
    ]) {
      expect(isStorageError(await failure(attempt), 'rollback')).toBe(true);
    }
    expect(await readFile(path)).toEqual(older);
    expect(JSON.stringify(inProcess)).not.toContain('refresh-token');
    await writeFile(path, current);
    expect(await fresh.get('session')).toEqual({ value: 'current-refresh-token', version: 2 });
  });

  it('rotates keys: a file sealed with a previous key opens and is sealed with the current one on the next write', async () => {
    await createFileStore({ path, encryptionKey: KEY }).set('k', SECRET, { expectedVersion: 0 });
    const rotated = createFileStore({ path, encryptionKeys: [OTHER_KEY, KEY] });
    expect(await rotated.get('k')).toEqual({ value: SECRET, version: 1 });
    await rotated.set('k', 'after rotation', { expectedVersion: 1 });
    const onlyNew = createFileStore({ path, encryptionKey: OTHER_KEY });
    expect(await onlyNew.get('k')).toEqual({ value: 'after rotation', version: 2 });
    const onlyOld = await failure(createFileStore({ path, encryptionKey: KEY }).get('k'));
    expect(isStorageError(onlyOld, 'decryption_failed')).toBe(true);
    for (const bad of [[], ['short'], 'not-an-array' as never]) {
      expect(() => createFileStore({ path, encryptionKeys: bad })).toThrow(/encryptionKeys/);
    }
    expect(() => createFileStore({ path, encryptionKey: KEY, encryptionKeys: [KEY] })).toThrow(
      /not both/,
    );
  });

  it('refuses a plain file with a key and an encrypted file without one', async () => {
    await createFileStore({ path }).set('k', SECRET, { expectedVersion: 0 });
    const withKey = await failure(
      createFileStore({ path, encryptionKey: KEY }).set('x', 'y', { expectedVersion: 0 }),
    );
    expect(isStorageError(withKey, 'decryption_failed')).toBe(true);
    expect((await readFile(path, 'utf8')).includes(SECRET)).toBe(true);

    const sealed = join(directory, 'sealed.json');
    await createFileStore({ path: sealed, encryptionKey: KEY }).set('k', SECRET, {
      expectedVersion: 0,
    });
    const withoutKey = await failure(createFileStore({ path: sealed }).get('k'));
    expect(isStorageError(withoutKey, 'decryption_failed')).toBe(true);
  });

  it('a file that is not a store fails with corrupt and is not overwritten', async () => {
    const foreign = join(directory, 'foreign.json');
    await writeFile(foreign, '{"something":"else"}');
    const store = createFileStore({ path: foreign });
    const error = await failure(store.set('k', 'v', { expectedVersion: 0 }));
    expect(isStorageError(error, 'corrupt')).toBe(true);
    expect(error).toMatchObject({ code: 'invalid_response' });
    expect(await readFile(foreign, 'utf8')).toBe('{"something":"else"}');
  });

  it('breaks a lock file left by a dead process at once, long before lockStaleMs', async () => {
    const store = createFileStore({ path, lockStaleMs: 600_000 });
    await store.set('k', 'v1', { expectedVersion: 0 });
    const dead = await run(process.execPath, ['-e', 'console.log(process.pid)']);
    await writeFile(
      `${path}.lock`,
      JSON.stringify({ ...currentHolder(), pid: Number(dead.stdout.trim()), token: 't' }),
    );
    const started = Date.now();
    expect(await store.set('k', 'v2', { expectedVersion: 1 })).toBe(2);
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(stat(`${path}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('never breaks the lock of a live process of this machine, however old its heartbeat', async () => {
    const live = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
    });
    try {
      const store = createFileStore({ path, lockStaleMs: 100, timeoutMs: 400 });
      await store.set('k', 'v1', { expectedVersion: 0 });
      const body = JSON.stringify({
        ...currentHolder(),
        pid: live.pid,
        start: undefined,
        token: 't',
      });
      await writeFile(`${path}.lock`, body);
      const old = new Date(Date.now() - 3_600_000);
      await utimes(`${path}.lock`, old, old);
      const error = await failure(store.set('k', 'v2', { expectedVersion: 1 }));
      expect(isStorageError(error, 'lock_timeout')).toBe(true);
      expect(await readFile(`${path}.lock`, 'utf8')).toBe(body);
      expect(await store.get('k')).toEqual({ value: 'v1', version: 1 });
    } finally {
      live.kill('SIGKILL');
    }
  });

  it('breaks a lock whose pid now names a later process (start time differs)', async () => {
    const store = createFileStore({ path, lockStaleMs: 600_000 });
    await store.set('k', 'v1', { expectedVersion: 0 });
    // This very pid, as if an earlier process had had it: same pid, another start time.
    await writeFile(
      `${path}.lock`,
      JSON.stringify({ ...currentHolder(), start: 'an-earlier-boot-tick', token: 't' }),
    );
    expect(await store.set('k', 'v2', { expectedVersion: 1 })).toBe(2);
  });

  it('breaks a lock file older than lockStaleMs, and times out on a live one', async () => {
    const store = createFileStore({ path, lockStaleMs: 5_000, timeoutMs: 200 });
    const live = JSON.stringify({ pid: process.pid, host: 'elsewhere', token: 't' });
    await mkdir(join(directory, 'nested'));
    await writeFile(`${path}.lock`, live);
    const error = await failure(store.set('k', 'v', { expectedVersion: 0 }));
    expect(isStorageError(error, 'lock_timeout')).toBe(true);
    expect(error).toMatchObject({ recovery: 'retry_later' });
    const old = new Date(Date.now() - 60_000);
    await utimes(`${path}.lock`, old, old);
    expect(await store.set('k', 'v', { expectedVersion: 0 })).toBe(1);
  });

  it('beats a heartbeat on the lock file while it is held', async () => {
    await mkdir(join(directory, 'nested'));
    const lockPath = `${path}.lock`;
    const lock = await acquireFileLock(lockPath, {
      staleMs: 120,
      signal: new AbortController().signal,
    });
    try {
      const past = new Date(Date.now() - 60_000);
      await utimes(lockPath, past, past);
      // Every staleMs / 6 = 20 ms the holder touches its lock file again.
      await expect
        .poll(async () => Date.now() - (await stat(lockPath)).mtimeMs, { timeout: 2_000 })
        .toBeLessThan(1_000);
      await lock.verify();
    } finally {
      await lock.release();
    }
    await expect(stat(lockPath)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('writes nothing when its lock file was taken from it, and leaves the new holder’s lock alone', async () => {
    const lockPath = `${path}.lock`;
    const intruder = JSON.stringify({ pid: process.pid, host: 'elsewhere', token: 'intruder' });
    let steal = false;
    const store = createFileStore({
      path,
      // Called under the lock, between reading the file and writing it.
      now: () => {
        if (steal) {
          steal = false;
          unlinkSync(lockPath);
          writeFileSync(lockPath, intruder);
        }
        return Date.now();
      },
    });
    await store.set('k', 'v1', { expectedVersion: 0 });
    steal = true;
    const error = await failure(store.set('k', 'v2', { expectedVersion: 1 }));
    expect(isStorageError(error, 'lock_timeout')).toBe(true);
    expect((error as Error).message).toMatch(/nothing was written/);
    expect(await readFile(lockPath, 'utf8')).toBe(intruder);
    await rm(lockPath);
    expect(await store.get('k')).toEqual({ value: 'v1', version: 1 });
  });

  it('settles with timeout when the file system does not answer, and writes nothing afterwards', async () => {
    await mkdir(join(directory, 'nested'));
    // Opening a FIFO for reading blocks until a writer comes: a file that never answers.
    await run('mkfifo', [path]);
    const store = createFileStore({ path, timeoutMs: 1_000 });
    const started = Date.now();
    const read = await failure(store.get('session:abc'));
    const write = await failure(store.set('session:abc', SECRET, { expectedVersion: 0 }));
    const elapsed = Date.now() - started;
    for (const error of [read, write]) {
      expect(isStorageError(error, 'timeout')).toBe(true);
      expect(error).toMatchObject({ code: 'timeout', recovery: 'retry_later' });
      expect(JSON.stringify(error)).not.toContain(SECRET);
      expect((error as Error).message).not.toContain('session:abc');
    }
    expect(elapsed).toBeLessThan(1_000 * 2 + 2_000);
    // Let the blocked reads finish: a writer that comes and goes gives every waiting reader an
    // empty file. The timed-out set then finds its caller gone and must not write.
    const unblock = async (): Promise<boolean> => {
      const writer = await open(path, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => {});
      await writer?.close();
      return stat(`${path}.lock`).then(
        () => false,
        () => true,
      );
    };
    await expect.poll(unblock).toBe(true);
    expect((await stat(path)).isFIFO()).toBe(true);
  });

  it('serializes read-modify-writes of several processes (real child processes)', async () => {
    const compiled = await compileForChild(['test/file-worker.ts']);
    try {
      const shared = join(directory, 'shared.json');
      await createFileStore({ path: shared }).set('once', 'the-state', { expectedVersion: 0 });
      const processes = 4;
      const rounds = 8;
      const outputs = await Promise.all(
        Array.from({ length: processes }, () =>
          run(process.execPath, [
            join(compiled.root, 'test', 'file-worker.js'),
            shared,
            String(rounds),
          ]),
        ),
      );
      const results = outputs.map(
        (output) => JSON.parse(output.stdout) as { taken: string | null; locked: number },
      );
      const store = createFileStore({ path: shared });
      expect(await store.get('counter')).toEqual({
        value: String(processes * rounds),
        version: processes * rounds,
      });
      expect(results.filter((result) => result.taken === 'the-state')).toHaveLength(1);
      expect(results.reduce((sum, result) => sum + result.locked, 0)).toBeGreaterThan(0);
      expect(await store.get('holder')).toBeUndefined();
    } finally {
      await compiled.remove();
    }
  });
});
