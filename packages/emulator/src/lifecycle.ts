/**
 * What a CI needs around the process: a ready file (written once the emulator answers, removed
 * on exit), a pid file, exiting when the parent process goes away, and draining on SIGTERM.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';

/** Writes `text` to `path` atomically (a temporary file renamed over it): readers never see half. */
export function writeFileAtomic(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o644 });
  renameSync(temporary, path);
}

export function removeQuietly(path: string | undefined): void {
  if (path !== undefined) rmSync(path, { force: true });
}

/**
 * Calls `onExit` once the process that started this one is gone (this process is then
 * re-parented, so `process.ppid` changes). Checked every `intervalMs`; the timer does not keep
 * the process alive.
 */
export function watchParent(onExit: () => void, intervalMs = 250): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      onExit();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Resolves with the first of SIGINT or SIGTERM (or `other`), and calls `again` on a second
 * signal (to stop draining and exit at once).
 */
export function stopSignal(other: Promise<string>, again: () => void): Promise<string> {
  return new Promise((resolve) => {
    let stopping = false;
    const on = (signal: string) => {
      if (stopping) return again();
      stopping = true;
      resolve(signal);
    };
    process.on('SIGINT', () => on('SIGINT'));
    process.on('SIGTERM', () => on('SIGTERM'));
    other.then(on);
  });
}
