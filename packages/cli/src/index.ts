/**
 * @hh-oauth/cli — `hh-oauth`, a command line for people and scripts (like `gh auth` / `gh api`):
 * `login`, `status`, `token`, `api`, `logout`, `app-token`, `config`, on `createHhOAuth` with an
 * encrypted file store under the user's config directory. `runCli` is the whole program, for
 * embedding; the bin is `hh-oauth`.
 */
export type { CliErrorReason, ExitCode } from './errors.js';
export { CliError, EXIT, exitCodeFor } from './errors.js';
export type { Io } from './output.js';
export type { CliPaths } from './paths.js';
export { cliPaths, configDir } from './paths.js';
export { runCli } from './program.js';
