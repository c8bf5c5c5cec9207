/**
 * Who holds a lock file, and whether that holder is provably gone.
 *
 * A lock file names its holder: pid and host name, and on Linux also the boot id, the pid
 * namespace and the process's start time. A waiter may judge a holder by its pid only when the pid
 * means the same process for both: same host name, same boot, same pid namespace (containers of
 * one Kubernetes pod share a host name but not their pids). The start time tells a pid that was
 * reused by a later process apart from the holder. A holder that is stopped (SIGSTOP, a debugger,
 * a frozen cgroup) is alive: only its exit makes it gone.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

export interface Holder {
  readonly pid: number;
  readonly host: string;
  /** Linux: /proc/sys/kernel/random/boot_id. */
  readonly boot?: string;
  /** Linux: the pid namespace, e.g. "pid:[4026531836]". */
  readonly pidns?: string;
  /** Linux: the process's start time, in clock ticks since boot (/proc/<pid>/stat, field 22). */
  readonly start?: string;
}

const read = (source: () => string): string | undefined => {
  try {
    return source().trim() || undefined;
  } catch {
    // Not Linux, or /proc is not mounted: the holder is then judged by pid and host only.
    return undefined;
  }
};

interface ProcStat {
  readonly state: string;
  readonly start: string;
}

/** State and start time from /proc/<pid>/stat; the command name may hold spaces and parentheses. */
function procStat(pid: number | 'self'): ProcStat | undefined {
  const text = read(() => readFileSync(`/proc/${pid}/stat`, 'latin1'));
  if (text === undefined) return undefined;
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const start = fields[19];
  return state === undefined || start === undefined ? undefined : { state, start };
}

let self: Holder | undefined;

/** This process, as its lock files name it. */
export function currentHolder(): Holder {
  if (self === undefined) {
    const boot = read(() => readFileSync('/proc/sys/kernel/random/boot_id', 'latin1'));
    const pidns = read(() => readlinkSync('/proc/self/ns/pid'));
    const start = procStat('self')?.start;
    self = {
      pid: process.pid,
      host: hostname(),
      ...(boot === undefined ? {} : { boot }),
      ...(pidns === undefined ? {} : { pidns }),
      ...(start === undefined ? {} : { start }),
    };
  }
  return self;
}

/** Reads a holder from a lock file's parsed JSON; undefined when it does not name one. */
export function parseHolder(value: unknown): Holder | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { pid, host, boot, pidns, start } = value as Record<string, unknown>;
  if (!Number.isSafeInteger(pid) || (pid as number) <= 0 || typeof host !== 'string') {
    return undefined;
  }
  const optional = (field: unknown): field is string | undefined =>
    field === undefined || typeof field === 'string';
  if (!optional(boot) || !optional(pidns) || !optional(start)) return undefined;
  return {
    pid: pid as number,
    host,
    ...(boot === undefined ? {} : { boot }),
    ...(pidns === undefined ? {} : { pidns }),
    ...(start === undefined ? {} : { start }),
  };
}

/** Whether `holder`'s pid names a process of this machine and pid namespace, as it does here. */
export function isLocal(holder: Holder): boolean {
  const here = currentHolder();
  return holder.host === here.host && holder.boot === here.boot && holder.pidns === here.pidns;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}

/**
 * True only when the holder is provably not running: it is local and its pid names no process, a
 * zombie, or a later process that reused the pid. A holder on another host is never gone by this
 * test (its pid means nothing here); the lock's heartbeat decides for those.
 */
export function holderIsGone(holder: Holder): boolean {
  if (!isLocal(holder)) return false;
  if (holder.pid === process.pid) {
    const here = currentHolder();
    return holder.start !== undefined && here.start !== undefined && holder.start !== here.start;
  }
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the process exists, under another user.
    if (errorCode(error) === 'ESRCH') return true;
  }
  const stat = procStat(holder.pid);
  if (stat === undefined) return false;
  // A zombie has exited and only waits for its parent to read its status.
  if (stat.state === 'Z' || stat.state === 'X') return true;
  return holder.start !== undefined && stat.start !== holder.start;
}
