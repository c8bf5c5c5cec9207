import type { Transition } from '@hh-oauth/client';
import { type AppTokenRecord, ERROR_CODES, type SessionRecord } from '@hh-oauth/core';
import type { FC } from 'hono/jsx';
import {
  formatDuration,
  formatTime,
  maskToken,
  RECOVERY_HINTS,
  type ShownError,
} from '../format.js';
import { type MachineView, StateDiagram, TransitionList } from './diagram.js';
import { Csrf, ErrorBox, InfoBox, Layout, type PageContext } from './layout.js';

/** The outcome of a button on a panel, shown above it. */
export type Outcome =
  | { readonly kind: 'info'; readonly title: string; readonly message: string }
  | { readonly kind: 'error'; readonly error: ShownError };

const OutcomeBox: FC<{ outcome: Outcome | undefined }> = ({ outcome }) => {
  if (!outcome) return null;
  if (outcome.kind === 'error') return <ErrorBox error={outcome.error} />;
  return (
    <InfoBox title={outcome.title}>
      <p>{outcome.message}</p>
    </InfoBox>
  );
};

/** `expires in …` / `expired … ago`; the script keeps it ticking against the demo's clock. */
const Countdown: FC<{ id: string; target: number | undefined; now: number; done: string }> = ({
  id,
  target,
  now,
  done,
}) =>
  target === undefined ? (
    <span id={id}>—</span>
  ) : (
    <span id={id} data-countdown={String(target)} data-done={done}>
      {target > now
        ? `in ${formatDuration(target - now)}`
        : `${done} ${formatDuration(now - target)} ago`}
    </span>
  );

const RecordedErrorRow: FC<{ error: SessionRecord['error'] }> = ({ error }) =>
  error ? (
    <tr>
      <th scope="row">last error</th>
      <td id="session-error">
        <code>{error.code}</code>: {error.message.replace(/^\[hh-oauth\] /, '')}
        <br />
        <span class="hint">{RECOVERY_HINTS[ERROR_CODES[error.code]]}</span>
      </td>
    </tr>
  ) : null;

export interface TokenPageProps {
  page: PageContext;
  record: SessionRecord | undefined;
  transitions: readonly Transition[];
  machine: MachineView;
  outcome: Outcome | undefined;
}

export const TokenPage: FC<TokenPageProps> = ({ page, record, transitions, machine, outcome }) => {
  const status = record?.status ?? 'idle';
  const tokens = record?.tokens;
  return (
    <Layout title="Token panel" page={page}>
      <OutcomeBox outcome={outcome} />
      <section class="live" data-live="/events" data-machine="session">
        <p>
          Session state: <strong id="current-state">{status}</strong>
        </p>
        <StateDiagram machine={machine} current={status} />
        <table class="facts">
          <tbody>
            <tr>
              <th scope="row">access token</th>
              <td>
                <code id="access-token">{maskToken(tokens?.accessToken)}</code>{' '}
                <span class="hint">(a prefix only: a token is never shown in full)</span>
              </td>
            </tr>
            <tr>
              <th scope="row">refresh token</th>
              <td id="refresh-token">
                {tokens?.refreshToken ? 'kept in the store, never shown' : '—'}
              </td>
            </tr>
            <tr>
              <th scope="row">obtained</th>
              <td id="obtained-at">{formatTime(tokens?.obtainedAt)}</td>
            </tr>
            <tr>
              <th scope="row">expires</th>
              <td>
                <span id="expires-at">{formatTime(tokens?.expiresAt)}</span> (
                <Countdown
                  id="expires-in"
                  target={tokens?.expiresAt}
                  now={page.now}
                  done="expired"
                />
                )
              </td>
            </tr>
            {record?.retryAt !== undefined ? (
              <tr>
                <th scope="row">no refresh before</th>
                <td>{formatTime(record.retryAt)}</td>
              </tr>
            ) : null}
            <RecordedErrorRow error={record?.error} />
          </tbody>
        </table>
      </section>

      <section class="actions">
        <h2>Try it</h2>
        <form method="post" action="/token/refresh">
          <Csrf page={page} />
          <button type="submit" id="refresh-now">
            Refresh now
          </button>
          <span class="hint">
            hh.ru accepts a refresh token only after the access token has expired, and only once;
            before that it answers <code>invalid_grant: token not expired</code>. The client refuses
            locally first, so no refresh token is spent on a refusal.
          </span>
        </form>
        {page.mode === 'emulator' ? (
          <form method="post" action="/token/advance-clock">
            <Csrf page={page} />
            <button type="submit" id="advance-clock">
              Advance the emulator's clock 15 days
            </button>
            <span class="hint">
              Access tokens live 14 days. Afterwards, the next API call (reload the{' '}
              <a href="/profile">profile</a>) refreshes the pair on its own: watch{' '}
              <code>refreshing</code> light up.
            </span>
          </form>
        ) : null}
        <form method="post" action="/signout">
          <Csrf page={page} />
          <button type="submit" id="sign-out">
            Sign out
          </button>
          <span class="hint">
            <code>DELETE /oauth/token</code> invalidates the access token and its refresh token.
          </span>
        </form>
      </section>

      <section>
        <h2>What the client did</h2>
        <p class="hint">
          The machine states <code>hh.onTransition()</code> reported for this session since the demo
          started (live).
        </p>
        <TransitionList transitions={transitions} />
      </section>
    </Layout>
  );
};

export interface AppTokenPageProps {
  page: PageContext;
  record: AppTokenRecord | undefined;
  transitions: readonly Transition[];
  machine: MachineView;
  outcome: Outcome | undefined;
}

export const AppTokenPage: FC<AppTokenPageProps> = ({
  page,
  record,
  transitions,
  machine,
  outcome,
}) => {
  const status = record?.status ?? 'none';
  return (
    <Layout title="Application token" page={page}>
      <p>
        The application token (<code>grant_type=client_credentials</code>) belongs to the app, not
        to a user. It never expires, but asking for a new one deactivates the old one, and hh.ru
        refuses a new one within 5 minutes of the last (<code>403 app token refresh too early</code>
        ). So <code>hh.getAppToken()</code> shares one token through the store and counts the
        cool-down itself.
      </p>
      <OutcomeBox outcome={outcome} />
      <section class="live" data-live="/events/app" data-machine="app">
        <p>
          App token state: <strong id="current-state">{status}</strong>
        </p>
        <StateDiagram machine={machine} current={status} />
        <table class="facts">
          <tbody>
            <tr>
              <th scope="row">token</th>
              <td>
                <code id="app-token">{maskToken(record?.token?.accessToken)}</code>
              </td>
            </tr>
            <tr>
              <th scope="row">last requested</th>
              <td id="app-last-request">{formatTime(record?.lastRequestAt)}</td>
            </tr>
            <tr>
              <th scope="row">next request allowed</th>
              <td>
                {record?.lastRequestAt !== undefined ? (
                  <Countdown
                    id="app-cooldown"
                    target={record.retryAt ?? record.lastRequestAt + 5 * 60 * 1000}
                    now={page.now}
                    done="since"
                  />
                ) : (
                  <span id="app-cooldown">now</span>
                )}
              </td>
            </tr>
            <RecordedErrorRow error={record?.error} />
          </tbody>
        </table>
      </section>
      <form method="post" action="/app-token">
        <Csrf page={page} />
        <button type="submit" id="get-app-token">
          Get the app token
        </button>
        <span class="hint">
          Returns the shared token when there is one; asks hh.ru only when there is none.
        </span>
      </form>
      <section>
        <h2>What the client did</h2>
        <TransitionList transitions={transitions} />
      </section>
    </Layout>
  );
};
