import type { AppConfig, UserConfig } from './config.js';
import { EmulatorInputError } from './errors.js';
import type { User } from './model.js';
import type { NewAppInput } from './state.js';

/** A seeded user's sign-in facts, as `startEmulator()` and the CLI report them. */
export interface SeededUser {
  readonly login: string;
  readonly password: string;
  readonly kind: 'applicant' | 'employer';
}

export const APPLICANT: SeededUser = {
  login: 'applicant@example.com',
  password: 'hh-applicant',
  kind: 'applicant',
};

export const EMPLOYER: SeededUser = {
  login: 'employer@example.com',
  password: 'hh-employer',
  kind: 'employer',
};

/** The seeded application's default credentials (override with `startEmulator({ app })`). */
export const DEFAULT_CLIENT_ID = 'EMULATOR-CLIENT-ID';
export const DEFAULT_CLIENT_SECRET = 'EMULATOR-CLIENT-SECRET';

/** A configured user's sign-in facts, as `startEmulator()` and the CLI report them. */
export const seededUserOf = (config: UserConfig): SeededUser => ({
  login: config.login.trim().toLowerCase(),
  password: config.password,
  kind: config.kind ?? 'applicant',
});

/** Fresh copies of the seeded users (the model mutates them). */
export function seedUsers(): User[] {
  return [
    {
      id: '1001',
      login: APPLICANT.login,
      password: APPLICANT.password,
      passwordVersion: 1,
      kind: 'applicant',
      firstName: 'Anna',
      lastName: 'Applicant',
      email: APPLICANT.login,
      locked: false,
      verified: true,
      passwordInvalidated: false,
      loginNotAllowed: false,
      managerAccounts: [],
    },
    {
      id: '2001',
      login: EMPLOYER.login,
      password: EMPLOYER.password,
      passwordVersion: 1,
      kind: 'employer',
      firstName: 'Egor',
      lastName: 'Employer',
      email: EMPLOYER.login,
      locked: false,
      verified: true,
      passwordInvalidated: false,
      loginNotAllowed: false,
      employer: { id: '3001', name: 'Example Employer LLC' },
      managerAccounts: [
        { id: '4001', name: 'Egor Employer — Example Employer LLC', isMain: true },
        { id: '4002', name: 'Egor Employer — Example Employer Recruiting', isMain: false },
      ],
    },
  ];
}

/**
 * A configured user. Ids follow the seeded ones (applicants 1101, 1102, …; employers 2101 with
 * employer 3101 and one main work account 4101, …), stable across `reset`.
 */
export function configuredUser(config: UserConfig, index: number): User {
  const kind = config.kind ?? 'applicant';
  const n = 101 + index;
  const firstName = config.firstName ?? 'Test';
  const lastName = config.lastName ?? (kind === 'employer' ? 'Employer' : 'Applicant');
  const user: User = {
    id: String((kind === 'employer' ? 2000 : 1000) + n),
    login: config.login.trim().toLowerCase(),
    password: config.password,
    passwordVersion: 1,
    kind,
    firstName,
    lastName,
    email: config.login.trim().toLowerCase(),
    locked: config.locked ?? false,
    verified: config.verified ?? true,
    passwordInvalidated: config.passwordInvalidated ?? false,
    loginNotAllowed: config.loginNotAllowed ?? false,
    managerAccounts:
      kind === 'employer'
        ? [
            {
              id: String(4000 + n),
              name: `${firstName} ${lastName} — Test Employer ${n}`,
              isMain: true,
            },
          ]
        : [],
  };
  return kind === 'employer'
    ? { ...user, employer: { id: String(3000 + n), name: `Test Employer ${n}` } }
    : user;
}

/** The seeded users, then the configured ones (a configured login may not repeat a seeded one). */
export function usersOf(configured: readonly UserConfig[]): User[] {
  const users = seedUsers();
  for (const [index, config] of configured.entries()) {
    const login = config.login.trim().toLowerCase();
    if (users.some((u) => u.login === login)) {
      throw new EmulatorInputError(`users[${index}].login repeats a seeded user`);
    }
    users.push(configuredUser(config, index));
  }
  return users;
}

/** The seeded application, then the configured ones, as `registerApp` takes them. */
export function appsOf(
  seeded: Required<AppConfig>,
  configured: readonly AppConfig[],
): NewAppInput[] {
  return [seeded, ...configured].map((app) => ({
    ...app,
    redirectUri: app.redirectUri ?? seeded.redirectUri,
    name: app.name ?? 'Configured test app',
    description: app === seeded ? 'Seeded by the emulator' : 'From the configuration',
    role: 'employer_and_applicant',
    audience: 'any_user',
  }));
}
