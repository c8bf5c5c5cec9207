// Runs before every test file (vitest `setupFiles`): the run's seed becomes fast-check's global
// seed, so every property in the run is replayable with HH_OAUTH_SEED (see seed.ts).
import fc from 'fast-check';
import { inject } from 'vitest';

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: inject('fastCheckSeed') });
