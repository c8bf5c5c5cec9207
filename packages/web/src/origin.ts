/**
 * The cross-site check of every state-changing request: `Origin` must be the application's own
 * (or a trusted one); without `Origin`, `Sec-Fetch-Site` must say `same-origin`. A request with
 * neither is refused: every browser in use sends one of them on a POST.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6454#section-7 RFC 6454 §7: the Origin header
 * @see https://www.w3.org/TR/fetch-metadata/ Fetch Metadata: Sec-Fetch-Site
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html OWASP CSRF
 */
export function isSameOrigin(request: Request, allowed: readonly string[]): boolean {
  const origin = request.headers.get('origin');
  if (origin !== null) return origin !== 'null' && allowed.includes(origin);
  return request.headers.get('sec-fetch-site') === 'same-origin';
}

/** The 403 a cross-site request gets (no session state is read or changed). */
export function crossSiteRefused(): Response {
  return new Response('Cross-site request refused: the Origin is not this application.\n', {
    status: 403,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}
