/**
 * What CI does with every example in Chromium: sign in → profile → the emulator's clock +15 days
 * → profile again after exactly one refresh → sign out (the token revoked at the emulator).
 */
import { APPLICANT } from '@hh-oauth/emulator';
import type { Browser } from 'playwright-core';
import { expect } from 'vitest';

export interface RunningExample {
  /** The example's URL. */
  readonly url: string;
  /** The emulator the example talks to. */
  readonly emulatorUrl: string;
}

async function emulator<T>(base: string, path: string, body?: unknown): Promise<T> {
  const answer = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!answer.ok) throw new Error(`emulator ${path}: HTTP ${answer.status}`);
  return (await answer.json()) as T;
}

const refreshes = async (base: string) =>
  (await emulator<{ token: { refresh_token: number } }>(base, '/__emulator/stats')).token
    .refresh_token;

export async function driveExample(browser: Browser, example: RunningExample): Promise<void> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(example.url);
    await page.getByRole('link', { name: 'Sign in with hh.ru' }).click();
    await page.getByLabel('Login').fill(APPLICANT.login);
    await page.getByLabel('Password').fill(APPLICANT.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${example.url}/profile`);
    await expect(page.locator('#email').textContent()).resolves.toBe(APPLICANT.login);
    const before = await refreshes(example.emulatorUrl);

    await emulator(example.emulatorUrl, '/__emulator/clock', { advanceSeconds: 15 * 24 * 60 * 60 });
    await page.reload();
    await expect(page.locator('#email').textContent()).resolves.toBe(APPLICANT.login);
    expect(await refreshes(example.emulatorUrl)).toBe(before + 1);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${example.url}/`);
    await page.goto(`${example.url}/profile`);
    await page.getByRole('link', { name: 'Sign in with hh.ru' }).waitFor();
    await expect(page.locator('#email').count()).resolves.toBe(0);
    expect(await refreshes(example.emulatorUrl)).toBe(before + 1);
  } finally {
    await context.close();
  }
}
