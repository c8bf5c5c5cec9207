/**
 * The recovery hint printed under every error: what to type next. Built from the error's stable
 * `code` and `recovery` (never from its message), so it names commands, never a secret.
 */
import { isHhOAuthError } from '@hh-oauth/core';
import { CliError } from './errors.js';

/** `--profile NAME` for the commands a hint names, when the profile is not the default one. */
export function profileFlag(profile: string): string {
  return profile === 'default' ? '' : ` --profile ${profile}`;
}

export function hintFor(error: unknown, profile: string): string {
  if (error instanceof CliError) return error.hint;
  const p = profileFlag(profile);
  if (!isHhOAuthError(error)) {
    return 'This is a bug in hh-oauth: please report it with the command you ran.';
  }
  const reason = (error as { reason?: unknown }).reason;
  if (error.name === 'StorageError' && reason === 'decryption_failed') {
    return 'The store key does not open the store: restore store.key (or HH_OAUTH_STORE_KEY), or delete store.json and sign in again.';
  }
  switch (error.code) {
    case 'invalid_client':
    case 'account_not_found':
      return `The client id or secret is wrong: check \`hh-oauth config list${p}\`, then set HH_CLIENT_SECRET or run \`hh-oauth config set client-secret${p}\`.`;
    case 'bad_redirect_uri':
    case 'invalid_redirect_uri':
      return `Set the redirect URI registered for the application: \`hh-oauth config set redirect-uri URL${p}\`.`;
    case 'user_agent_missing':
    case 'user_agent_blacklisted':
      return `Name your application in the User-Agent: \`hh-oauth config set user-agent "MyApp/1.0 (me@example.com)"${p}\`.`;
    case 'access_denied':
      return `The sign-in was denied in the browser: run \`hh-oauth login${p}\` again and choose Allow.`;
    case 'app_token_too_early':
      return `hh.ru issues one application token per 5 minutes: try again${untilText(error.retryAt)}.`;
    case 'forbidden':
      return 'hh.ru refused this request for this user or work account: see the errors above.';
    default:
      break;
  }
  switch (error.recovery) {
    case 'reauthorize':
      return `Sign in again: \`hh-oauth login${p}\`.`;
    case 'fix_configuration':
      return `Check the configuration: \`hh-oauth config list${p}\`.`;
    case 'retry_later':
      return `Nothing was lost: try again${untilText(error.retryAt)}.`;
    case 'reload':
    case 'refresh':
      return 'Another process updated the session: run the command again.';
    default:
      return error.name === 'ApiError'
        ? 'hh.ru refused the request: see its errors above.'
        : 'See the message above.';
  }
}

function untilText(retryAt: number | undefined): string {
  return retryAt === undefined ? ' later' : ` after ${new Date(retryAt).toISOString()}`;
}
