/**
 * `hh-oauth api [-X METHOD] PATH [-f key=value…] [--manager-account ID]`: one authorized call, as
 * `gh api` does. `-f` fields go to the query string for GET and DELETE, to a JSON body otherwise.
 * The User-Agent is the profile's; an expired token is refreshed (once, across processes) and the
 * call retried once on `403 oauth/token_expired`. Pretty JSON on a terminal, raw JSON otherwise;
 * a failure exits non-zero with the error's code.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1 RFC 6750 §2.1
 */
import type { Context } from '../context.js';
import { CliError } from '../errors.js';
import { writeLine } from '../output.js';

export interface ApiOptions {
  readonly method?: string;
  readonly field?: readonly string[];
  readonly managerAccount?: string;
  readonly app?: boolean;
}

function fields(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      throw new CliError(
        'invalid_argument',
        'usage',
        `-f ${JSON.stringify(pair)} is not key=value`,
        'Write each field as -f key=value (e.g. -f text=developer -f area=1).',
      );
    }
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

export async function api(ctx: Context, path: string, options: ApiOptions): Promise<void> {
  if (!path.startsWith('/')) {
    throw new CliError(
      'invalid_argument',
      'usage',
      `the path ${JSON.stringify(path)} does not start with /`,
      'Pass an API path such as /me or /vacancies?text=developer.',
    );
  }
  const method = (options.method ?? 'GET').toUpperCase();
  const given = fields(options.field ?? []);
  const inQuery = method === 'GET' || method === 'DELETE' || method === 'HEAD';
  const init = {
    method,
    ...(Object.keys(given).length === 0 ? {} : inQuery ? { query: given } : { json: given }),
    ...(options.managerAccount === undefined ? {} : { managerAccountId: options.managerAccount }),
  };
  let result: unknown;
  if (options.app) {
    result = await (await ctx.client()).appFetch(path, init);
  } else {
    const sessionId = await ctx.sessionId();
    result = await (await ctx.client()).fetch(sessionId, path, init);
  }
  if (result === undefined) return;
  const pretty = ctx.io.stdout.isTTY === true && !ctx.json;
  writeLine(ctx.io.stdout, pretty ? JSON.stringify(result, null, 2) : JSON.stringify(result));
}
