/**
 * Opens a URL in the user's browser when there is one: `$BROWSER` if set (`none` turns it off),
 * else `open` (macOS), `start` (Windows) or `xdg-open` (Linux, only with a display). Best effort:
 * the URL is always printed too, and a failure to open is not an error.
 */
import { spawn } from 'node:child_process';

function command(url: string, env: NodeJS.ProcessEnv): [string, string[]] | undefined {
  const browser = env['BROWSER'];
  if (browser === 'none') return undefined;
  if (browser) return [browser, [url]];
  if (process.platform === 'darwin') return ['open', [url]];
  if (process.platform === 'win32') return ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]];
  if (!env['DISPLAY'] && !env['WAYLAND_DISPLAY']) return undefined;
  return ['xdg-open', [url]];
}

/** Returns whether a browser was asked to open the URL. */
export function openBrowser(url: string, env: NodeJS.ProcessEnv): boolean {
  const found = command(url, env);
  if (found === undefined) return false;
  try {
    const child = spawn(found[0], found[1], { detached: true, stdio: 'ignore', env });
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}
