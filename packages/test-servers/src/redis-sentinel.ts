/**
 * A throwaway Redis Sentinel set on 127.0.0.1: one master, one replica and three sentinels
 * (`redis-server <conf> --sentinel`, quorum 2), no persistence, in a temp folder. For the Redis
 * store's Sentinel tests: clients connect through the sentinels (`new Redis({ sentinels, name })`)
 * and `failover()` crashes the master, so that the sentinels promote the replica.
 *
 * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/ Redis: high availability with Sentinel
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type Started, startProcess } from './process.js';
import { ask, redisCliBinary, redisServerBinary, until } from './redis-cli.js';

export interface RedisTestSentinel {
  /** The name the sentinels monitor the master under. */
  readonly name: 'hh-oauth-master';
  /** The sentinels' addresses, for ioredis' `sentinels` option. */
  readonly sentinels: readonly { readonly host: '127.0.0.1'; readonly port: number }[];
  /** The ports of the two data nodes (master and replica, in either role). */
  readonly dataPorts: readonly number[];
  /** The port of the current master, as the sentinels say. */
  master(): Promise<number>;
  /** Resolves once the replica acknowledged every write of the master (`WAIT`). */
  replicated(): Promise<void>;
  /**
   * Crashes the master (SIGKILL) and resolves, with the new master's port, once every sentinel
   * names the replica master (it takes the down-after time, 1 s, plus an election).
   */
  failover(): Promise<number>;
  /** Stops every process and removes the folder. */
  stop(): Promise<void>;
}

const NAME = 'hh-oauth-master';

/** Starts a master, a replica and three sentinels; fails loudly when redis-server or redis-cli is missing. */
export async function startRedisSentinel(): Promise<RedisTestSentinel> {
  const binary = redisServerBinary();
  redisCliBinary();
  const directory = await mkdtemp(join(tmpdir(), 'hh-oauth-redis-sentinel-'));
  const processes: Started[] = [];
  const byPort = new Map<number, Started>();
  const stopAll = async () => {
    await Promise.all(processes.map((started) => started.stop('SIGTERM')));
    await rm(directory, { recursive: true, force: true });
  };
  const launch = (port: number, args: string[], what: string, ready: string) =>
    startProcess(binary, args, {
      cwd: directory,
      what: `${what} (${binary}) on port ${port}`,
      timeoutMs: 15_000,
      ready: (output) => output.includes(ready),
    }).then((started) => {
      processes.push(started);
      byPort.set(port, started);
      return started;
    });
  const dataArgs = (port: number, extra: string[] = []) => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    directory,
    '--dbfilename',
    `dump-${port}.rdb`,
    '--daemonize',
    'no',
    ...extra,
  ];
  try {
    const [masterPort, replicaPort, ...sentinelPorts] = await Promise.all(
      Array.from({ length: 5 }, () => freePort()),
    );
    await launch(masterPort!, dataArgs(masterPort!), 'redis master', 'Ready to accept connections');
    await launch(
      replicaPort!,
      dataArgs(replicaPort!, ['--replicaof', '127.0.0.1', String(masterPort)]),
      'redis replica',
      'Ready to accept connections',
    );
    await until('the replica syncing', async () =>
      (await ask(replicaPort!, 'INFO', 'replication')).includes('master_link_status:up'),
    );
    for (const port of sentinelPorts) {
      const conf = join(directory, `sentinel-${port}.conf`);
      await writeFile(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${directory}`,
          `sentinel monitor ${NAME} 127.0.0.1 ${masterPort} 2`,
          `sentinel down-after-milliseconds ${NAME} 1000`,
          `sentinel failover-timeout ${NAME} 5000`,
          `sentinel parallel-syncs ${NAME} 1`,
          '',
        ].join('\n'),
      );
      await launch(port, [conf, '--sentinel'], 'redis sentinel', '+monitor master');
    }
    const sentinelAsk = (port: number, ...command: string[]) => ask(port, 'SENTINEL', ...command);
    const masterAsSeenBy = async (port: number) =>
      Number((await sentinelAsk(port, 'get-master-addr-by-name', NAME)).trim().split('\n')[1]);
    const agreeOn = (master: number, fully: boolean) =>
      until(
        `every sentinel naming port ${master} master${fully ? ', knowing the replica and the other sentinels' : ''}`,
        async () => {
          for (const port of sentinelPorts) {
            if ((await masterAsSeenBy(port)) !== master) return false;
            if (!fully) continue;
            const replicas = await sentinelAsk(port, 'replicas', NAME);
            if (!replicas.includes('slave') || replicas.includes('s_down')) return false;
            const others = await sentinelAsk(port, 'sentinels', NAME);
            if ((others.match(/^name$/gm) ?? []).length !== sentinelPorts.length - 1) return false;
          }
          return true;
        },
        60_000,
      );
    await agreeOn(masterPort!, true);
    const master = () => masterAsSeenBy(sentinelPorts[0]!);
    return {
      name: NAME,
      sentinels: sentinelPorts.map((port) => ({ host: '127.0.0.1' as const, port })),
      dataPorts: [masterPort!, replicaPort!],
      master,
      async replicated() {
        const acked = Number((await ask(await master(), 'WAIT', '1', '5000')).trim());
        if (acked < 1) throw new Error('the replica did not acknowledge the master’s writes');
      },
      async failover() {
        const old = await master();
        const next = old === masterPort ? replicaPort! : masterPort!;
        // A crash, not SENTINEL FAILOVER: a live old master would go on taking writes until
        // the sentinels get round to demoting it (up to their 10 s INFO period), and lose them.
        await byPort.get(old)!.stop('SIGKILL');
        await agreeOn(next, false);
        return next;
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
