// What every published package carries: the MIT LICENSE, repository (with its directory),
// homepage, bugs, keywords and engines, and caret ranges for runtime dependencies (the lockfile
// pins what CI tests; a user's app may dedupe). `node scripts/package-metadata.mjs --write`
// fixes what it can; `scripts/package-metadata.test.ts` (part of `pnpm test`) fails on the rest.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const REPOSITORY = 'https://github.com/hh-oauth/hh-oauth';
const ENGINES = '>=20.19';

/** Every workspace package that is published: { dir (relative), manifest }. */
export function publishedPackages() {
  const out = [];
  for (const group of ['packages', 'apps', 'examples']) {
    const base = join(ROOT, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) {
      const file = join(base, name, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      if (!manifest.private) out.push({ dir: `${group}/${name}`, manifest });
    }
  }
  return out;
}

/** The metadata `dir`'s manifest must have. */
export function expectedMetadata(dir) {
  return {
    license: 'MIT',
    repository: { type: 'git', url: `git+${REPOSITORY}.git`, directory: dir },
    homepage: `${REPOSITORY}/tree/main/${dir}#readme`,
    bugs: { url: `${REPOSITORY}/issues` },
  };
}

/** A runtime dependency range that lets a user's app share one copy: ^x.y.z or workspace:^. */
export const isSharedRange = (range) => range === 'workspace:^' || /^\^\d+\.\d+\.\d+/.test(range);

/** Problems of one package, as readable lines. */
export function problemsOf({ dir, manifest }) {
  const problems = [];
  const want = expectedMetadata(dir);
  for (const [key, value] of Object.entries(want)) {
    if (JSON.stringify(manifest[key]) !== JSON.stringify(value)) {
      problems.push(`${dir}: "${key}" should be ${JSON.stringify(value)}`);
    }
  }
  if (!Array.isArray(manifest.keywords) || manifest.keywords.length === 0) {
    problems.push(`${dir}: "keywords" is empty`);
  }
  if (manifest.engines?.node !== ENGINES)
    problems.push(`${dir}: engines.node should be ${ENGINES}`);
  for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
    if (!isSharedRange(range))
      problems.push(`${dir}: dependency ${name}@${range} is not a caret range`);
  }
  const license = join(ROOT, dir, 'LICENSE');
  if (
    !existsSync(license) ||
    readFileSync(license, 'utf8') !== readFileSync(join(ROOT, 'LICENSE'), 'utf8')
  ) {
    problems.push(`${dir}: LICENSE is missing or differs from the root LICENSE`);
  }
  if (!existsSync(join(ROOT, dir, 'README.md'))) problems.push(`${dir}: README.md is missing`);
  return problems;
}

function write({ dir, manifest }) {
  const fixed = { ...manifest };
  // Keep the metadata beside the name and description, in a stable order.
  const ordered = {};
  for (const [key, value] of Object.entries(fixed)) {
    ordered[key] = value;
    if (key === 'license') Object.assign(ordered, expectedMetadata(dir));
  }
  ordered.engines = { ...(manifest.engines ?? {}), node: ENGINES };
  for (const [name, range] of Object.entries(ordered.dependencies ?? {})) {
    if (range === 'workspace:*') ordered.dependencies[name] = 'workspace:^';
    else if (/^\d+\.\d+\.\d+$/.test(range)) ordered.dependencies[name] = `^${range}`;
  }
  writeFileSync(join(ROOT, dir, 'package.json'), `${JSON.stringify(ordered, null, 2)}\n`);
  writeFileSync(join(ROOT, dir, 'LICENSE'), readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const packages = publishedPackages();
  if (process.argv.includes('--write')) packages.forEach(write);
  const problems = publishedPackages().flatMap(problemsOf);
  for (const line of problems) console.log(line);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
