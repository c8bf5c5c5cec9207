/** The emulator's defaults: hh.ru's figures where it gives them, the emulator's choices where not. */

/** 14 days: hh.ru's access token lifetime (docs/hh-protocol.md §1.3, `expires_in: 1209600`). */
export const DEFAULT_TOKEN_TTL_SECONDS = 1_209_600;
/** 10 minutes. hh.ru documents codes as short-lived without a figure; RFC 6749 §4.1.2 suggests ≤ 10 min. */
export const DEFAULT_CODE_TTL_SECONDS = 600;
/**
 * How many of a user's applications may be under review (`processing`) at once before the
 * console says "The limit of applications under review has been reached". hh.ru gives no figure.
 */
export const DEFAULT_APP_REVIEW_LIMIT = 1;
/** hh.ru refuses a new application token within 5 minutes of the last one (docs/hh-protocol.md §3). */
export const APP_TOKEN_COOLDOWN_MS = 5 * 60 * 1000;

/**
 * User-Agent values refused by default with `bad_user_agent` / `blacklisted`: the defaults of
 * generic HTTP clients and OAuth libraries (axios, node-fetch, oauth4webapi, openid-client),
 * which name no application. A trailing `*` makes an entry a prefix;
 * matching ignores case. Node's `fetch` sends `node` when no User-Agent is set, so a client that
 * forgets to set one is caught here rather than passing silently.
 */
export const DEFAULT_USER_AGENT_BLACKLIST: readonly string[] = [
  'node',
  'undici',
  'curl/*',
  'python-requests/*',
  'Go-http-client/*',
  'axios/*',
  'node-fetch/*',
  'oauth4webapi/*',
  'openid-client/*',
];
