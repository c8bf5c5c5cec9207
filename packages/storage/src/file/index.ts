/**
 * @hh-oauth/storage/file — the file store: one JSON file for one machine's processes (a CLI, a
 * few workers), optionally sealed with AES-256-GCM. Node only (it uses node:fs and node:crypto),
 * which is why it is not in the package's main entry.
 */
export type { FileStoreOptions } from './file-store.js';
export { createFileStore } from './file-store.js';
