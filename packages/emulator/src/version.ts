/** The package's version, read from its package.json (beside `src/` and `dist/` alike). */
import { createRequire } from 'node:module';

const pkg = createRequire(import.meta.url)('../package.json') as { version: string };

export const EMULATOR_VERSION: string = pkg.version;
