/**
 * What the command line keeps per profile inside the encrypted store, beside the client's own
 * records: which session the profile signed in (and as whom), and the client secret when it was
 * typed at a prompt. Keys are `hh-oauth-cli:…`, apart from the client's `hh-oauth:…`.
 */
import type { TokenStore } from '@hh-oauth/storage';

export interface SignedInUser {
  readonly id: string;
  readonly name: string;
  readonly email?: string;
}

export interface ProfileState {
  readonly v: 1;
  readonly sessionId: string;
  readonly user?: SignedInUser;
  readonly signedInAt?: number;
}

const stateKey = (profile: string) => `hh-oauth-cli:profile:${profile}`;
const secretKey = (profile: string) => `hh-oauth-cli:secret:${profile}`;

export async function readProfileState(
  store: TokenStore,
  profile: string,
): Promise<ProfileState | undefined> {
  const entry = await store.get(stateKey(profile));
  if (entry === undefined) return undefined;
  try {
    const parsed = JSON.parse(entry.value) as ProfileState;
    return parsed?.v === 1 && typeof parsed.sessionId === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Overwrites whatever is stored (last writer wins: a sign-in is newer than what it replaces). */
async function put(store: TokenStore, key: string, value: string): Promise<void> {
  for (;;) {
    const current = await store.get(key);
    const written = await store.set(key, value, { expectedVersion: current?.version ?? 0 });
    if (written !== undefined) return;
  }
}

export function writeProfileState(
  store: TokenStore,
  profile: string,
  state: ProfileState,
): Promise<void> {
  return put(store, stateKey(profile), JSON.stringify(state));
}

export async function deleteProfileState(store: TokenStore, profile: string): Promise<void> {
  await store.delete(stateKey(profile));
}

export async function readStoredSecret(
  store: TokenStore,
  profile: string,
): Promise<string | undefined> {
  return (await store.get(secretKey(profile)))?.value;
}

export function writeStoredSecret(
  store: TokenStore,
  profile: string,
  secret: string,
): Promise<void> {
  return put(store, secretKey(profile), secret);
}
