// The root README's "Command line" block, run as written — line by line in an interactive bash in
// tmux, from the repository root — with the secret typed at its prompt and Chromium doing the
// sign-in. Only its two ports are swapped for free ones, so the test never collides with
// whatever listens on 8700 or 8765. Needs `pnpm build`.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '@hh-oauth/test-support';
import { expect, it } from 'vitest';
import { openTerminal } from './terminal.js';
import { APPLICANT, freePort } from './world.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The README's first bash block under "## Command line", one command a line, comments dropped. */
async function readmeCommands(): Promise<string[]> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Command line'));
  const start = section.indexOf('```bash\n') + '```bash\n'.length;
  const block = section.slice(start, section.indexOf('```', start));
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

it("the README's command-line session works as written against the emulator", async () => {
  const [emulatorPort, callbackPort] = [await freePort(), await freePort()];
  const commands = (await readmeCommands()).map((c) =>
    c.replaceAll('8700', String(emulatorPort)).replaceAll('8765', String(callbackPort)),
  );
  expect(commands.some((c) => c.startsWith('hh-oauth login'))).toBe(true);
  const home = await mkdtemp(join(tmpdir(), 'hh-cli-readme-'));
  await writeFile(join(home, '.bashrc'), "PS1='$ '\n");
  const browser = await launchChromium();
  const term = await openTerminal(['bash', '--rcfile', join(home, '.bashrc'), '-i'], {
    env: { PATH: process.env['PATH'], HOME: home, XDG_CONFIG_HOME: join(home, '.config') },
    cwd: home,
    startDir: ROOT,
    width: 260,
  });
  const countPrompts = (screen: string) => (screen.match(/^\$ /gm) ?? []).length;
  const prompts = async () => countPrompts(await term.screen());
  try {
    await term.waitFor(/^\$ $/m);
    for (const command of commands) {
      const before = await prompts();
      await term.type(command, { enter: true });
      if (command.startsWith('hh-oauth config set client-secret')) {
        await term.waitFor(/Client secret/);
        await term.type('CLI-DEMO-SECRET', { enter: true });
      }
      if (command.startsWith('hh-oauth login')) {
        const url = (await term.waitFor(/http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+/))[0];
        const page = await browser.newPage();
        await page.goto(url);
        await page.getByLabel('Login').fill(APPLICANT.login);
        await page.getByLabel('Password').fill(APPLICANT.password);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.getByRole('button', { name: 'Allow' }).click();
        await page.getByText('You can close this tab').waitFor();
      }
      // A new, empty prompt on the last line: the command is done.
      await term.waitUntil(
        `the prompt after ${command}`,
        (screen) => countPrompts(screen) > before && /\n\$ $/.test(`${screen.trimEnd()} `),
        30_000,
      );
    }
    const screen = await term.screen();
    expect(screen).toMatch(/Signed in to hh\.ru as Anna Applicant \(applicant@example\.com\)/);
    expect(screen).toMatch(/✓ Signed in as Anna Applicant/);
    expect(screen).toMatch(/^ {2}"first_name": "Anna",$/m);
    expect(screen).toMatch(/^\{"id":"1001","first_name":"Anna"/m);
    expect(screen).toMatch(/Logged out of profile default: the token is revoked at hh\.ru/);
    expect(screen).not.toMatch(/error:/);
    expect(screen).not.toContain('$ CLI-DEMO-SECRET');
  } finally {
    await term.close();
    await browser.close();
    await rm(home, { recursive: true, force: true });
  }
}, 90_000);
