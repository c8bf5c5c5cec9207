/**
 * The command line: flags (commander), each with an `HH_EMULATOR_*` environment variable, over a
 * `--config` file. Precedence: flag, then environment variable, then the file, then the default.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseConfig, parseTime } from './config.js';
import { readConfigFile } from './config-file.js';
import { EmulatorInputError } from './errors.js';
import type { EmulatorOptions } from './server.js';
import { EMULATOR_VERSION } from './version.js';

export interface CliSettings {
  readonly options: EmulatorOptions;
  readonly json: boolean;
  readonly readyFile: string | undefined;
  readonly pidFile: string | undefined;
  readonly exitWithParent: boolean;
  readonly drainMs: number;
}

function integer(min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
    }
    return n;
  };
}

const positive = (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('must be a positive number of seconds');
  }
  return n;
};

const commaList = (value: string, previous: string[] | undefined) => [
  ...(previous ?? []),
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== ''),
];

const time = (value: string) => {
  try {
    return parseTime(value, '--now');
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
};

/** `login:password[:kind]`. */
const userSpec = (value: string, previous: Record<string, string>[] | undefined) => {
  const [login, password, kind, ...rest] = value.split(':');
  if (!login || !password || rest.length > 0) {
    throw new InvalidArgumentError('must be login:password or login:password:kind');
  }
  return [...(previous ?? []), { login, password, ...(kind ? { kind } : {}) }];
};

const env = (name: string) => `HH_EMULATOR_${name}`;

export function createProgram(): Command {
  const opt = (flags: string, description: string, envName?: string) => {
    const option = new Option(flags, description);
    return envName ? option.env(env(envName)) : option;
  };
  return new Command('hh-oauth-emulator')
    .description('hh.ru in a box: authorize pages, token endpoint, API and console on 127.0.0.1')
    .version(EMULATOR_VERSION, '-v, --version', 'print the version and exit')
    .addOption(
      opt('-c, --config <file>', 'a JSON or YAML file with the options below and more', 'CONFIG'),
    )
    .addOption(
      opt('-p, --port <n>', 'port to listen on (0: a free one)', 'PORT').argParser(
        integer(0, 65535),
      ),
    )
    .addOption(opt('--host <address>', 'interface to bind (default 127.0.0.1)', 'HOST'))
    .addOption(
      opt(
        '--allowed-host <names>',
        'more Host names to answer, comma-separated (containers)',
        'ALLOWED_HOSTS',
      ).argParser(commaList),
    )
    .addOption(opt('--client-id <id>', "the seeded application's client_id", 'CLIENT_ID'))
    .addOption(
      opt('--client-secret <secret>', "the seeded application's client_secret", 'CLIENT_SECRET'),
    )
    .addOption(opt('--redirect-uri <uri>', "the seeded application's redirect URI", 'REDIRECT_URI'))
    .addOption(opt('--app-name <name>', "the seeded application's name", 'APP_NAME'))
    .addOption(
      opt(
        '--user <login:password[:kind]>',
        'one more user (repeatable; kind applicant or employer)',
      ).argParser(userSpec),
    )
    .addOption(
      opt('--token-ttl <seconds>', 'expires_in of user access tokens', 'TOKEN_TTL').argParser(
        positive,
      ),
    )
    .addOption(
      opt('--code-ttl <seconds>', 'lifetime of authorization codes', 'CODE_TTL').argParser(
        positive,
      ),
    )
    .addOption(
      opt('--now <time>', 'start of the simulated clock (ISO 8601 or ms)', 'NOW').argParser(time),
    )
    .addOption(
      opt('--account-chooser <mode>', 'chooser (default) or immediate', 'ACCOUNT_CHOOSER').choices([
        'chooser',
        'immediate',
      ]),
    )
    .addOption(
      opt(
        '--user-agent-blacklist <values>',
        'comma-separated; empty for none',
        'USER_AGENT_BLACKLIST',
      ).argParser(commaList),
    )
    .addOption(
      opt('--basic-auth <policy>', 'refuse (default) or accept HTTP Basic', 'BASIC_AUTH').choices([
        'refuse',
        'accept',
      ]),
    )
    .addOption(
      opt(
        '--ready-file <file>',
        'write the facts (JSON) here once ready; removed on exit',
        'READY_FILE',
      ),
    )
    .addOption(
      opt('--pid-file <file>', "write the emulator's pid here; removed on exit", 'PID_FILE'),
    )
    .addOption(
      opt(
        '--exit-with-parent',
        'exit when the parent process exits (env: any value)',
        'EXIT_WITH_PARENT',
      ),
    )
    .addOption(
      opt(
        '--drain-timeout <ms>',
        'on SIGTERM, let requests in flight finish for this long (default 5000)',
        'DRAIN_TIMEOUT',
      ).argParser(integer(0, 600_000)),
    )
    .addOption(opt('--json', 'print the facts as one JSON line on stdout'))
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
}

type Raw = Record<string, unknown>;

/** Reads argv (after `node cli.js`) into the emulator's options and the process's settings. */
export function readSettings(argv: readonly string[]): CliSettings {
  const program = createProgram();
  program.parse([...argv], { from: 'user' });
  const flags = program.opts<Raw>();
  const file = flags['config'] === undefined ? {} : readConfigFile(String(flags['config']));
  if (typeof file !== 'object' || file === null || Array.isArray(file)) {
    throw new EmulatorInputError('the config file must hold an object');
  }
  const merged: Raw = { ...(file as Raw) };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) merged[key] = value;
  };
  set('port', flags['port']);
  set('host', flags['host']);
  set('allowedHosts', flags['allowedHost']);
  set('tokenTtlSeconds', flags['tokenTtl']);
  set('codeTtlSeconds', flags['codeTtl']);
  set('now', flags['now']);
  set('accountChooser', flags['accountChooser']);
  set('userAgentBlacklist', flags['userAgentBlacklist']);
  set('basicAuth', flags['basicAuth']);
  const app: Raw = { ...((merged['app'] as Raw | undefined) ?? {}) };
  const appFlags = {
    clientId: 'clientId',
    clientSecret: 'clientSecret',
    redirectUri: 'redirectUri',
    name: 'appName',
  };
  for (const [key, flag] of Object.entries(appFlags)) {
    if (flags[flag] !== undefined) app[key] = flags[flag];
  }
  if (Object.keys(app).length > 0) merged['app'] = app;
  if (flags['user'] !== undefined) {
    merged['users'] = [
      ...((merged['users'] as unknown[] | undefined) ?? []),
      ...(flags['user'] as unknown[]),
    ];
  }
  return {
    options: parseConfig(merged, 'config'),
    json: flags['json'] === true,
    readyFile: flags['readyFile'] as string | undefined,
    pidFile: flags['pidFile'] as string | undefined,
    exitWithParent: flags['exitWithParent'] !== undefined && flags['exitWithParent'] !== false,
    drainMs: (flags['drainTimeout'] as number | undefined) ?? 5000,
  };
}
