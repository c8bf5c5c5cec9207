// The emulator in its own process for the benchmarks (so its work does not share the client's
// event loop), with its facts (url, app) and its HTTP controls.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../emulator/dist/cli.js', import.meta.url));

/** Starts `hh-oauth-emulator --port 0 --json`; resolves once it printed its facts. */
export async function startEmulatorProcess() {
  const child = spawn(process.execPath, [cli, '--port', '0', '--json'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = await once(createInterface({ input: child.stdout }), 'line');
  const facts = JSON.parse(line);
  /** GET `/__emulator/<path>`, or POST it with a JSON body. */
  const control = async (path, body) =>
    (
      await fetch(
        `${facts.url}/__emulator/${path}`,
        body
          ? {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(body),
            }
          : {},
      )
    ).json();
  return { facts, control, stop: () => child.kill('SIGTERM') };
}
