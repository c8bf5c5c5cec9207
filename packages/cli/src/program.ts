/**
 * The command tree on commander: every command takes `--profile NAME` and `--json`; usage errors
 * exit 2 with a hint; every other failure goes through `printError` (message + hint) and
 * `exitCodeFor`. Each command's module is imported when it runs, so `--help`, `--version` and
 * `completion` never load the client, the store or the prompts.
 */
import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { completionScript } from './commands/completion.js';
import { type Context, createContext, type GlobalOptions } from './context.js';
import { EXIT, type ExitCode, exitCodeFor } from './errors.js';
import { type Io, printError, writeLine } from './output.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

const EXIT_HELP = `
Exit codes: 0 ok, 1 unexpected, 2 usage, 3 fix the configuration, 4 sign in again,
5 try again later, 6 hh.ru refused the request, 130 cancelled.
Environment: HH_OAUTH_BASE_URL (one origin for both hh.ru hosts: the emulator),
HH_CLIENT_SECRET, HH_CLIENT_ID, HH_REDIRECT_URI, HH_USER_AGENT, HH_OAUTH_PROFILE,
HH_OAUTH_CONFIG_DIR, HH_OAUTH_STORE_KEY, NO_COLOR, BROWSER.`;

/** A command: resolves to its exit code, or to anything else for 0. */
type Action = (ctx: Context, ...args: never[]) => Promise<unknown>;

/** Builds the program; `run` receives each command's context and outcome. */
export function buildProgram(io: Io, done: (code: ExitCode) => void): Command {
  const program = new Command('hh-oauth')
    .description('Sign in to hh.ru, print a valid access token, call the API.')
    .version(version)
    .addHelpText('after', EXIT_HELP)
    .showHelpAfterError('hint: run `hh-oauth --help`, or `hh-oauth COMMAND --help`')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });

  const common = (command: Command) =>
    command
      .option('--profile <name>', 'the profile (default: $HH_OAUTH_PROFILE or "default")')
      .option('--json', 'print JSON (results on stdout, errors on stderr)')
      .showHelpAfterError(`hint: run \`hh-oauth ${command.name()} --help\``);

  const action =
    (fn: Action) =>
    async (...args: unknown[]) => {
      const command = args.at(-1) as Command;
      const options = command.optsWithGlobals() as GlobalOptions;
      const ctx = createContext(io, options);
      try {
        const code = await (fn as (ctx: Context, ...rest: unknown[]) => Promise<unknown>)(
          ctx,
          ...args.slice(0, -1),
        );
        done(typeof code === 'number' ? (code as ExitCode) : EXIT.ok);
      } catch (error) {
        printError(io, error, { profile: ctx.profile, json: ctx.json });
        done(exitCodeFor(error));
      } finally {
        await ctx.close().catch(() => {});
      }
    };

  common(program.command('login'))
    .description('sign in with a browser; prints who signed in')
    .option('--force-login', 'ask hh.ru for the login form even if the browser is signed in')
    .option('--manual', 'paste the address the browser lands on (custom schemes, remote machines)')
    .option('--no-browser', 'print the address without opening a browser')
    .addOption(
      new Option('--timeout <seconds>', 'how long to wait for the browser')
        .default(300)
        .argParser((v) => {
          const n = Number(v);
          if (!Number.isInteger(n) || n <= 0)
            throw new CommanderError(
              2,
              'hh-oauth.usage',
              'error: --timeout takes a positive whole number of seconds',
            );
          return n;
        }),
    )
    .action(
      action(
        (
          ctx,
          opts: { forceLogin?: boolean; manual?: boolean; browser: boolean; timeout: number },
        ) => import('./commands/login.js').then((m) => m.login(ctx, opts)),
      ),
    );

  common(program.command('status'))
    .description('profiles, who is signed in, token expiry, refresh state')
    .action(
      action((ctx, opts: GlobalOptions) =>
        import('./commands/status.js').then((m) =>
          m.status(ctx, opts.profile === undefined && !io.env['HH_OAUTH_PROFILE']),
        ),
      ),
    );

  common(program.command('token'))
    .description('print a valid access token (refreshed when expired, never before)')
    .action(action((ctx) => import('./commands/token.js').then((m) => m.token(ctx))));

  common(program.command('api'))
    .description('an authorized API call; pretty JSON on a terminal, raw otherwise')
    .argument('<path>', 'API path, e.g. /me')
    .option('-X, --method <method>', 'HTTP method', 'GET')
    .option(
      '-f, --field <key=value>',
      'a field (query for GET/DELETE, JSON body otherwise); repeatable',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--manager-account <id>', "act as one of an employer manager's work accounts")
    .option('--app', "use the application token instead of the user's")
    .action(
      action((ctx, path: string, opts) =>
        import('./commands/api.js').then((m) => m.api(ctx, path, opts as never)),
      ),
    );

  common(program.command('logout'))
    .description('revoke the token at hh.ru and forget the session')
    .action(action((ctx) => import('./commands/logout.js').then((m) => m.logout(ctx))));

  common(program.command('app-token'))
    .description('print the application token (shared; hh.ru issues one per 5 minutes)')
    .action(action((ctx) => import('./commands/token.js').then((m) => m.appToken(ctx))));

  const config = program
    .command('config')
    .description('client-id, redirect-uri, user-agent, client-secret (kept encrypted)');
  common(config.command('set'))
    .description('set a setting; `config set client-secret` asks without echoing (or reads stdin)')
    .argument('<key>', 'client-id | redirect-uri | user-agent | client-secret')
    .argument('[value]')
    .action(
      action((ctx, key: string, value: string | undefined) =>
        import('./commands/config.js').then((m) => m.configSet(ctx, key, value)),
      ),
    );
  common(config.command('get'))
    .description('print a setting (the secret shows only where it comes from)')
    .argument('<key>')
    .action(
      action((ctx, key: string) =>
        import('./commands/config.js').then((m) => m.configGet(ctx, key)),
      ),
    );
  common(config.command('list'))
    .description('every setting of the profile, and where it comes from')
    .action(action((ctx) => import('./commands/config.js').then((m) => m.configList(ctx))));

  program
    .command('completion')
    .description('print a shell completion script: eval "$(hh-oauth completion bash)"')
    .argument('[shell]', 'bash or zsh', 'bash')
    .action((shell: string) => {
      try {
        io.stdout.write(completionScript(program, shell));
        done(EXIT.ok);
      } catch (error) {
        printError(io, error, { profile: 'default', json: false });
        done(exitCodeFor(error));
      }
    });

  return program;
}

/** Runs the command line on `argv` (without node and the script); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: Io): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT.ok; // --help, --version
      if (error.code === 'hh-oauth.usage') writeLine(io.stderr, error.message);
      return EXIT.usage;
    }
    printError(io, error, { profile: 'default', json: false });
    return exitCodeFor(error);
  }
  return code;
}
