/**
 * The local page hh.ru sends the browser back to during `login`. It listens on exactly the host
 * and port of the configured redirect URI — hh.ru compares ports strictly, so any other port
 * would be refused — and answers only on its path. The page says "you can close this tab" and
 * never shows the code: it is consumed by the terminal, and the page clears it from the address
 * bar (`history.replaceState`) and is sent with `Cache-Control: no-store` and
 * `Referrer-Policy: no-referrer`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3 RFC 8252 §7.3: loopback redirection
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.2.4 RFC 9700 §4.2.4: leaks via the Referer
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { CliError } from './errors.js';
import { profileFlag } from './hints.js';

export interface Callback {
  /** The full URL the browser came back to (absolute), for `completeAuthorization`. */
  readonly url: string;
  /** Answers the browser: the sign-in worked, or why not (a secret-free text). */
  respond(outcome: { ok: true } | { ok: false; reason: string }): void;
}

export interface CallbackServer {
  /** The next request on the redirect path that carries `state`. Others get an explanation. */
  next(state: string): Promise<Callback>;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="referrer" content="no-referrer">
<script>history.replaceState(null, '', location.pathname)</script>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}</style>
</head><body><h1>${title}</h1><p>${body}</p></body></html>`;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    // So that closing the server after the answer waits for it to be sent, and no longer.
    Connection: 'close',
  });
  res.end(html);
}

function cannotListen(redirectUri: string, profile: string, why: string): CliError {
  return new CliError(
    'invalid_argument',
    'cannot_listen',
    `cannot listen on the redirect URI ${redirectUri}: ${why}`,
    `Run \`hh-oauth login --manual${profileFlag(profile)}\` and paste the address the browser lands on.`,
  );
}

/** Binds the redirect URI's host and port, or fails with `port_in_use` / `cannot_listen`. */
export async function listenForCallback(
  redirectUri: string,
  profile: string,
): Promise<CallbackServer> {
  const target = new URL(redirectUri);
  if (target.protocol !== 'http:' || !LOOPBACK.has(target.hostname)) {
    throw cannotListen(redirectUri, profile, 'it is not an http:// address on this machine');
  }
  const port = target.port === '' ? 80 : Number(target.port);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const origin = `${target.protocol}//${target.host}`;
  let waiter: { state: string; resolve: (callback: Callback) => void } | undefined;

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    if (req.method !== 'GET' || url.pathname !== target.pathname) {
      send(res, 404, page('Not found', 'This address belongs to <code>hh-oauth login</code>.'));
      return;
    }
    const state = url.searchParams.get('state');
    if (waiter === undefined || state !== waiter.state) {
      send(
        res,
        400,
        page(
          'Not this sign-in',
          'This is not the sign-in the terminal is waiting for. Use the address it printed.',
        ),
      );
      return;
    }
    const { resolve } = waiter;
    waiter = undefined;
    resolve({
      url: url.href,
      respond(outcome) {
        if (outcome.ok) {
          send(res, 200, page('Signed in', 'You are signed in. You can close this tab.'));
        } else {
          send(
            res,
            400,
            page(
              'Sign-in did not complete',
              `${escapeHtml(outcome.reason)}<br>You can close this tab: the terminal says what to do next.`,
            ),
          );
        }
      },
    });
  };

  const server = createServer(onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new CliError(
            'invalid_argument',
            'port_in_use',
            `port ${port} on ${host} (from the redirect URI) is taken by another program`,
            `Stop the program using port ${port}, or register another redirect URI and run \`hh-oauth config set redirect-uri URL${profileFlag(profile)}\`.`,
            { cause: error },
          ),
        );
      } else {
        reject(cannotListen(redirectUri, profile, error.code ?? 'listen failed'));
      }
    });
    server.listen(port, host, () => resolve());
  });

  return {
    next(state) {
      return new Promise((resolve) => {
        waiter = { state, resolve };
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
