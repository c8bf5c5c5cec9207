/**
 * The file store's wake-ups: every write replaces the store file by rename, so one `fs.watch` on
 * its directory (a watch on the file itself would follow the replaced inode) hears every change,
 * of any key, by any process on this machine. Watchers are woken for any change of the file: more
 * often than needed, which the `watch` contract allows. The directory watch is opened for the
 * first watcher and closed after the last; if it fails, watchers are simply not woken (callers
 * keep polling as a fallback).
 *
 * @see https://nodejs.org/api/fs.html#fswatchfilename-options-listener Node.js: fs.watch
 */
import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface FileWatch {
  add(onChange: () => void): () => void;
  close(): void;
}

export function createFileWatch(path: string): FileWatch {
  const name = basename(path);
  const listeners = new Set<() => void>();
  let watcher: FSWatcher | undefined;

  const stopWatching = () => {
    watcher?.close();
    watcher = undefined;
  };
  const start = () => {
    try {
      watcher = watch(dirname(path), { persistent: false }, (_event, changed) => {
        if (changed !== null && changed.toString() !== name) return;
        for (const listener of [...listeners]) listener();
      });
      watcher.on('error', stopWatching);
    } catch {
      watcher = undefined; // no wake-ups on this file system: callers poll
    }
  };

  return {
    add(onChange) {
      const listener = () => onChange();
      listeners.add(listener);
      if (watcher === undefined) start();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stopWatching();
      };
    },
    close() {
      listeners.clear();
      stopWatching();
    },
  };
}
