/**
 * A throwaway PostgreSQL server on a free 127.0.0.1 port, in a temp folder, with trust
 * authentication and durability off (fsync off): for the PostgreSQL store's tests and for
 * cross-process tests of code that uses it. No mock: the real `initdb` and `postgres` binaries,
 * found on PATH, in `$PG_BIN`, or under /usr/lib/postgresql/<version>/bin (Debian's layout).
 *
 * PostgreSQL refuses to run as root. When this process is root (as in CI and in this workplace),
 * initdb and postgres run as the `postgres` system user when it exists (Debian's package creates
 * it), else as `nobody`, through spawn's `uid`/`gid`; the temp folder is handed to that user.
 */
import { readFileSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, freePort, type Started, startProcess, versionDirs } from './process.js';

export interface PostgresTestServer {
  /** e.g. postgresql://postgres@127.0.0.1:54329/postgres */
  readonly connectionString: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: 'postgres';
  readonly database: 'postgres';
  /** Stops the server (fast shutdown, as `pg_ctl stop -m fast`), keeping its data; `start()` brings it back. */
  halt(): Promise<void>;
  /** Starts the server again after `halt()`, on the same port, with the same data. */
  start(): Promise<void>;
  /** Stops the server (fast shutdown) and removes its folder. */
  stop(): Promise<void>;
}

export interface PostgresTestServerOptions {
  /** The folder holding `initdb` and `postgres`. Default: `$PG_BIN`, PATH, /usr/lib/postgresql/<newest>/bin. */
  readonly binDir?: string;
}

interface Account {
  readonly uid: number;
  readonly gid: number;
  readonly name: string;
}

/** The unprivileged account to run PostgreSQL as, when we are root. */
function unprivilegedAccount(): Account | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    // no passwd file: fall through to nobody's usual ids
  }
  const accounts = new Map<string, Account>();
  for (const line of passwd.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name && uid && gid) accounts.set(name, { name, uid: Number(uid), gid: Number(gid) });
  }
  return (
    accounts.get('postgres') ?? accounts.get('nobody') ?? { name: 'nobody', uid: 65534, gid: 65534 }
  );
}

function binaries(binDir: string | undefined): { initdb: string; postgres: string } {
  const fallbacks = versionDirs('/usr/lib/postgresql').map((dir) => join(dir, 'bin'));
  const dir = binDir ?? process.env['PG_BIN'];
  const initdb = dir === undefined ? findBinary('initdb', fallbacks) : join(dir, 'initdb');
  const postgres = dir === undefined ? findBinary('postgres', fallbacks) : join(dir, 'postgres');
  if (initdb === undefined || postgres === undefined) {
    throw new Error(
      'PostgreSQL server programs (initdb, postgres) were not found on PATH, in $PG_BIN or under ' +
        '/usr/lib/postgresql/*/bin. Install them (Debian: apt-get install postgresql; ' +
        'scripts/test-all.sh does this).',
    );
  }
  return { initdb, postgres };
}

/** Starts a throwaway PostgreSQL server; fails loudly when PostgreSQL is not installed. */
export async function startPostgresServer(
  options: PostgresTestServerOptions = {},
): Promise<PostgresTestServer> {
  const { initdb, postgres } = binaries(options.binDir);
  const account = unprivilegedAccount();
  // As root, stay out of a private TMPDIR (e.g. under /root) the other account cannot enter.
  const base = account === undefined ? tmpdir() : '/tmp';
  const directory = await mkdtemp(join(base, 'hh-oauth-postgres-'));
  const data = join(directory, 'data');
  const sockets = join(directory, 'sockets');
  await mkdir(sockets);
  const as = account === undefined ? {} : { uid: account.uid, gid: account.gid };
  if (account !== undefined) {
    await chown(directory, account.uid, account.gid);
    await chown(sockets, account.uid, account.gid);
  }
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C', HOME: directory };
  const cleanup = (): Promise<void> => rm(directory, { recursive: true, force: true });
  try {
    const init = await startProcess(
      initdb,
      ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
      {
        ...as,
        cwd: directory,
        env,
        what: `initdb (${initdb}${account ? ` as ${account.name}` : ''})`,
        timeoutMs: 60_000,
        ready: () => false,
      },
    ).catch((error: unknown) => {
      // initdb exits when done: "exited early (code 0)" is success.
      if (error instanceof Error && error.message.includes('exited early (code 0)'))
        return undefined;
      throw error;
    });
    if (init !== undefined) throw new Error('initdb did not exit');
  } catch (error) {
    await cleanup();
    throw error;
  }

  const launch = (port: number): Promise<Started> =>
    startProcess(
      postgres,
      [
        '-D',
        data,
        '-p',
        String(port),
        '-h',
        '127.0.0.1',
        '-k',
        sockets,
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=100',
        '-c',
        'shared_buffers=32MB',
      ],
      {
        ...as,
        cwd: directory,
        env,
        what: `postgres (${postgres}${account ? ` as ${account.name}` : ''}) on port ${port}`,
        timeoutMs: 30_000,
        ready: (output) => output.includes('database system is ready to accept connections'),
      },
    );

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    let server: Started | undefined;
    try {
      server = await launch(port);
    } catch (error) {
      lastError = error;
      continue;
    }
    return {
      connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres`,
      host: '127.0.0.1',
      port,
      user: 'postgres',
      database: 'postgres',
      async halt() {
        const current = server;
        if (current === undefined) throw new Error('postgres is halted already');
        server = undefined;
        // SIGINT = fast shutdown: disconnect clients, stop now.
        await current.stop('SIGINT');
      },
      async start() {
        if (server !== undefined) throw new Error('postgres is running already');
        server = await launch(port);
      },
      async stop() {
        const current = server;
        server = undefined;
        await current?.stop('SIGINT');
        await cleanup();
      },
    };
  }
  await cleanup();
  throw lastError;
}
