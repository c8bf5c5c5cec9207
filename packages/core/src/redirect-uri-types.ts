/** Why a redirect_uri was rejected: stable codes, safe to match on. */
export type RedirectUriRejection =
  /** Not an absolute `scheme://authority…` URI, or syntax that cannot be read one way only. */
  | 'malformed'
  | 'userinfo'
  | 'backslash'
  | 'encoded_separator'
  | 'dot_segment'
  /** A `;` in the path: some servers strip `;params`, so `..;` acts as `..`. */
  | 'path_parameter'
  | 'empty_segment'
  | 'control_character'
  | 'non_ascii'
  | 'fragment'
  | 'invalid_host'
  | 'trailing_dot'
  | 'invalid_port'
  /** A scheme a browser runs or reads locally (`javascript:`, `data:`, `file:`…): never a redirect target. */
  | 'forbidden_scheme'
  /** `code`, `state`, `error`, `iss`…: the authorization response's own parameters (RFC 9700 §4.5). */
  | 'reserved_parameter'
  | 'scheme_mismatch'
  | 'host_mismatch'
  | 'port_mismatch'
  | 'path_mismatch'
  | 'query_mismatch';

export type RedirectUriVerdict =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: RedirectUriRejection;
      /** Which argument failed: the saved (registered) value, or the requested one. */
      readonly which: 'registered' | 'requested';
      readonly message: string;
    };

/** A redirect_uri split into the parts hh.ru's rules compare; every part already canonical. */
export interface ParsedRedirectUri {
  /** Lower-cased. */
  readonly scheme: string;
  /**
   * For `http` and `https`: lower-cased ASCII (IDN labels in punycode), the way WHATWG `URL`
   * reads it; IPv6 literals keep their brackets. For a private-use scheme: as written, since
   * WHATWG keeps an opaque host as is.
   */
  readonly host: string;
  readonly hostKind: 'name' | 'ipv4' | 'ipv6';
  /** The port exactly as written (no leading zeros allowed), or '' when absent. */
  readonly port: string;
  /** As written; '' when absent. */
  readonly path: string;
  /** Without the '?'; undefined when there is no '?'. */
  readonly query: string | undefined;
}

export type ParseResult =
  | { readonly ok: true; readonly uri: ParsedRedirectUri }
  | { readonly ok: false; readonly reason: RedirectUriRejection; readonly message: string };

export type Refusal = Extract<ParseResult, { ok: false }>;

export const fail = (reason: RedirectUriRejection, message: string): Refusal => ({
  ok: false,
  reason,
  message,
});
