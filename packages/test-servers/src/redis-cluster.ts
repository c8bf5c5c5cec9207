/**
 * A throwaway Redis Cluster on 127.0.0.1: `masters` × `redis-server --cluster-enabled yes` (plus
 * `replicasPerMaster` replicas each), joined by `redis-cli --cluster create`, no persistence, in a
 * temp folder. For the Redis store's cluster tests: moving a slot between masters (as a resharding
 * does, key by key with MIGRATE, so clients meet ASK and MOVED) and failing a master over to its
 * replica (SIGKILL the master; the cluster promotes the replica after `nodeTimeoutMs`).
 *
 * @see https://redis.io/docs/latest/operate/oss_and_stack/management/scaling/ Redis: scaling with Redis Cluster
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type Started, startProcess } from './process.js';
import { ask, redisCli, redisCliBinary, redisServerBinary, until } from './redis-cli.js';

export interface ClusterNode {
  readonly host: '127.0.0.1';
  readonly port: number;
}

export interface ClusterNodeState extends ClusterNode {
  readonly id: string;
  readonly role: 'master' | 'replica';
  /** For a replica, the id of its master. */
  readonly masterId: string | undefined;
  /** Whether the cluster sees this node as failed. */
  readonly failed: boolean;
  /** The slot ranges a master serves, inclusive. */
  readonly slots: readonly (readonly [number, number])[];
}

export interface RedisTestCluster {
  /** Every node's address, masters and replicas, as started. */
  readonly nodes: readonly ClusterNode[];
  /** What the cluster says of its nodes now (asked of a live node). */
  state(): Promise<ClusterNodeState[]>;
  /** The port of the master serving `slot` now. */
  masterOf(slot: number): Promise<number>;
  /** The hash slot of `key` (`CLUSTER KEYSLOT`). */
  slotOf(key: string): Promise<number>;
  /**
   * Moves `slot` to the master on `toPort` as `redis-cli --cluster reshard` does: IMPORTING on
   * the target, MIGRATING on the source, MIGRATE key by key, then SETSLOT NODE everywhere. While
   * it runs, clients get ASK for keys already moved and MOVED once it is done.
   */
  moveSlot(slot: number, toPort: number): Promise<void>;
  /** Resolves once every replica of the master on `port` acknowledged all its writes (`WAIT`). */
  replicated(port: number): Promise<void>;
  /** SIGKILLs the node on `port` (a crashed master); its replica takes over after the node timeout. */
  kill(port: number): Promise<void>;
  /** Resolves once every slot is served by a live master and all live nodes agree (`cluster_state:ok`). */
  settled(): Promise<void>;
  /** Stops every node and removes the folder. */
  stop(): Promise<void>;
}

export interface RedisTestClusterOptions {
  /** Default 3 (the fewest Redis Cluster accepts). */
  readonly masters?: number;
  /** Default 0. With 1, a killed master is failed over to its replica. */
  readonly replicasPerMaster?: number;
  /** `cluster-node-timeout`: how long a silent node takes to count as failed. Default 1000 ms. */
  readonly nodeTimeoutMs?: number;
}

/** Starts a throwaway Redis Cluster; fails loudly when redis-server or redis-cli is missing. */
export async function startRedisCluster(
  options: RedisTestClusterOptions = {},
): Promise<RedisTestCluster> {
  const binary = redisServerBinary();
  redisCliBinary();
  const masters = options.masters ?? 3;
  const replicas = options.replicasPerMaster ?? 0;
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 1000;
  const directory = await mkdtemp(join(tmpdir(), 'hh-oauth-redis-cluster-'));
  const processes = new Map<number, Started>();
  const stopAll = async () => {
    await Promise.all([...processes.values()].map((started) => started.stop('SIGTERM')));
    processes.clear();
    await rm(directory, { recursive: true, force: true });
  };
  const launch = (port: number): Promise<Started> =>
    startProcess(
      binary,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--cluster-node-timeout',
        String(nodeTimeoutMs),
        // The other masters keep answering for their slots while one is failed over.
        '--cluster-require-full-coverage',
        'no',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        directory,
        '--daemonize',
        'no',
      ],
      {
        cwd: directory,
        what: `redis-server (${binary}) cluster node on port ${port}`,
        timeoutMs: 15_000,
        ready: (output) => output.includes('Ready to accept connections'),
      },
    );
  try {
    const count = masters * (1 + replicas);
    const nodes: ClusterNode[] = [];
    for (let i = 0; i < count; i++) {
      let lastError: unknown;
      for (let attempt = 0; attempt < 3; attempt++) {
        const port = await freePort();
        try {
          processes.set(port, await launch(port));
          nodes.push({ host: '127.0.0.1', port });
          lastError = undefined;
          break;
        } catch (error) {
          lastError = error; // most likely the port was taken meanwhile
        }
      }
      if (lastError !== undefined) throw lastError;
    }
    await redisCli(
      [
        '--cluster',
        'create',
        ...nodes.map((node) => `127.0.0.1:${node.port}`),
        '--cluster-replicas',
        String(replicas),
        '--cluster-yes',
      ],
      60_000,
    );

    const live = () => nodes.filter((node) => processes.has(node.port));
    const state = async (port = live()[0]!.port): Promise<ClusterNodeState[]> => {
      const text = await ask(port, 'CLUSTER', 'NODES');
      return text
        .trim()
        .split('\n')
        .map((line) => {
          const [id, address, flags, master, , , , , ...ranges] = line.split(' ');
          const port = Number(address!.split('@')[0]!.split(':')[1]);
          const flagList = flags!.split(',');
          return {
            host: '127.0.0.1' as const,
            port,
            id: id!,
            role: flagList.includes('master') ? ('master' as const) : ('replica' as const),
            masterId: master === '-' ? undefined : master,
            failed: flagList.includes('fail') || flagList.includes('fail?'),
            slots: ranges
              .filter((range) => !range.startsWith('['))
              .map((range) => {
                const [a, b] = range.split('-').map(Number);
                return [a!, b ?? a!] as const;
              }),
          };
        });
    };
    /** Whether, as `port` sees it, live masters serve all 16384 slots. */
    const coveredAsSeenBy = async (port: number) => {
      let covered = 0;
      for (const node of await state(port)) {
        if (node.role !== 'master' || node.failed || !processes.has(node.port)) continue;
        for (const [a, b] of node.slots) covered += b - a + 1;
      }
      return covered === 16384;
    };
    const settled = () =>
      until(
        'the cluster settling (live masters serve every slot, cluster_state:ok on every live node)',
        async () => {
          const ports = live().map((node) => node.port);
          const infos = await Promise.all(ports.map((port) => ask(port, 'CLUSTER', 'INFO')));
          if (!infos.every((info) => info.includes('cluster_state:ok'))) return false;
          return (await Promise.all(ports.map(coveredAsSeenBy))).every(Boolean);
        },
        60_000,
      );
    await settled();
    // Every replica has finished its first full copy of its master.
    if (replicas > 0) {
      await until(
        'every replica syncing with its master',
        async () => {
          const infos = await Promise.all(
            nodes.map((node) => ask(node.port, 'INFO', 'replication')),
          );
          const synced = infos.filter(
            (info) =>
              info.includes('master_link_status:up') && info.includes('master_sync_in_progress:0'),
          );
          return synced.length === masters * replicas;
        },
        60_000,
      );
    }
    const idOf = async (port: number) => {
      const node = (await state()).find((each) => each.port === port);
      if (node === undefined) throw new Error(`no cluster node on port ${port}`);
      return node.id;
    };
    const slotOf = async (key: string) =>
      Number((await ask(live()[0]!.port, 'CLUSTER', 'KEYSLOT', key)).trim());
    const masterOf = async (slot: number) => {
      const owner = (await state()).find(
        (node) =>
          node.role === 'master' &&
          !node.failed &&
          processes.has(node.port) &&
          node.slots.some(([a, b]) => slot >= a && slot <= b),
      );
      if (owner === undefined) throw new Error(`no live master serves slot ${slot}`);
      return owner.port;
    };
    return {
      nodes,
      state,
      masterOf,
      slotOf,
      settled,
      async moveSlot(slot, toPort) {
        const fromPort = await masterOf(slot);
        if (fromPort === toPort) return;
        const [fromId, toId] = await Promise.all([idOf(fromPort), idOf(toPort)]);
        await ask(toPort, 'CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', fromId);
        await ask(fromPort, 'CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', toId);
        for (;;) {
          const keys = (await ask(fromPort, 'CLUSTER', 'GETKEYSINSLOT', String(slot), '10'))
            .split('\n')
            .filter((line) => line.length > 0);
          if (keys.length === 0) break;
          // One key at a time, so that clients meet the slot half-moved (ASK) for a while.
          for (const key of keys) {
            await ask(fromPort, 'MIGRATE', '127.0.0.1', String(toPort), key, '0', '5000');
          }
        }
        for (const port of [toPort, fromPort]) {
          await ask(port, 'CLUSTER', 'SETSLOT', String(slot), 'NODE', toId);
        }
        for (const node of (await state()).filter((each) => each.role === 'master')) {
          if (node.port !== toPort && node.port !== fromPort && processes.has(node.port)) {
            await ask(node.port, 'CLUSTER', 'SETSLOT', String(slot), 'NODE', toId);
          }
        }
      },
      async replicated(port) {
        const id = await idOf(port);
        const mine = (await state()).filter(
          (node) => node.role === 'replica' && node.masterId === id && !node.failed,
        ).length;
        if (mine === 0) throw new Error(`the master on port ${port} has no live replica`);
        const acked = Number((await ask(port, 'WAIT', String(mine), '5000')).trim());
        if (acked < mine) throw new Error(`only ${acked} of ${mine} replicas acknowledged`);
      },
      async kill(port) {
        const started = processes.get(port);
        if (started === undefined) throw new Error(`no running node on port ${port}`);
        processes.delete(port);
        await started.stop('SIGKILL');
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
