/**
 * The token set hh-oauth keeps for a signed-in user (or for the application).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1 RFC 6749 §5.1: successful response
 */
export interface TokenSet {
  readonly accessToken: string;
  /** hh.ru only issues bearer tokens (RFC 6750). */
  readonly tokenType: 'bearer';
  /** Absent for the application token, which never expires and cannot be refreshed. */
  readonly refreshToken?: string;
  /** When the access token expires, in ms since the epoch by the caller's clock; absent if unlimited. */
  readonly expiresAt?: number;
  /** When the answer was received, in ms since the epoch by the caller's clock. */
  readonly obtainedAt: number;
}
