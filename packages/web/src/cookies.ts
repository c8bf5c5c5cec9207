/**
 * Reading the `Cookie` header and writing `Set-Cookie` lines: HttpOnly, SameSite=Lax, Path=/,
 * and on https `Secure` with the `__Host-` prefix (bound to this host, no Domain, Path=/).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6265#section-5.2 RFC 6265 §5.2
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#section-4.1.3.2 __Host- prefix
 */

/** The cookies a request carries; the first of two with one name wins, as in browsers' order. */
export function readCookies(request: Request): Map<string, string> {
  const out = new Map<string, string>();
  const header = request.headers.get('cookie');
  if (header === null) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2)
      value = value.slice(1, -1);
    if (name !== '' && !out.has(name)) out.set(name, value);
  }
  return out;
}

export interface CookieSettings {
  /** `Secure` and the `__Host-` prefix (https). */
  readonly secure: boolean;
}

/** The name a cookie goes by: `__Host-<name>` when secure. */
export const cookieName = (name: string, settings: CookieSettings) =>
  settings.secure ? `__Host-${name}` : name;

/** One `Set-Cookie` line (the value is signed base64url text, never needing quotes). */
export function serializeCookie(
  name: string,
  value: string,
  maxAgeSeconds: number,
  settings: CookieSettings,
): string {
  const parts = [
    `${cookieName(name, settings)}=${value}`,
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (settings.secure) parts.push('Secure');
  return parts.join('; ');
}

/** The `Set-Cookie` line that deletes a cookie. */
export const clearCookie = (name: string, settings: CookieSettings) =>
  serializeCookie(name, '', 0, settings);
