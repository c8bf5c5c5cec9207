import type { User } from './model.js';

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
      employer: { id: '3001', name: 'Example Employer LLC' },
      managerAccounts: [
        { id: '4001', name: 'Egor Employer — Example Employer LLC', isMain: true },
        { id: '4002', name: 'Egor Employer — Example Employer Recruiting', isMain: false },
      ],
    },
  ];
}
