/**
 * The one `createHhWeb` of the app, made on first use (so `next build` needs no secrets) and kept
 * on `globalThis` (so dev-mode reloads keep one client and one store connection).
 */
import { createHhOAuth } from '@hh-oauth/client';
import { createMemoryStore } from '@hh-oauth/storage';
import { createRedisStore } from '@hh-oauth/storage-redis';
import { createHhWeb, type HhWeb } from '@hh-oauth/web';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (see examples/next-app/README.md)`);
  return value;
}

const holder = globalThis as { hhWeb?: HhWeb };

export function auth(): HhWeb {
  holder.hhWeb ??= createHhWeb({
    hh: createHhOAuth({
      clientId: env('HH_CLIENT_ID'),
      clientSecret: env('HH_CLIENT_SECRET'),
      redirectUri: env('HH_REDIRECT_URI'),
      userAgent: env('HH_USER_AGENT'),
      store: process.env['REDIS_URL']
        ? createRedisStore({ url: process.env['REDIS_URL'] })
        : createMemoryStore(),
      // Unset: the real hh.ru. The launcher (run.mjs) points both at the emulator.
      ...(process.env['HH_OAUTH_BASE_URL']
        ? { oauthBaseUrl: process.env['HH_OAUTH_BASE_URL'] }
        : {}),
      ...(process.env['HH_API_BASE_URL'] ? { apiBaseUrl: process.env['HH_API_BASE_URL'] } : {}),
    }),
    secret: env('HH_COOKIE_SECRET'),
    origin: env('APP_ORIGIN'),
    afterSignIn: '/profile',
  });
  return holder.hhWeb;
}

/** The session of the request a server component renders, from Next's request headers. */
export async function sessionFrom(headers: Headers) {
  return auth().getSession(new Request(env('APP_ORIGIN'), { headers }));
}
