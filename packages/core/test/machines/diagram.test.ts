import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs helper shared with scripts/diagram.mjs
import { renderSection, replaceSection } from '../../scripts/diagram-section.mjs';
import { appTokenMachine, sessionMachine } from '../../src/index.js';
import { machineToMermaid } from '../../src/subpaths/diagram.js';

describe('README diagrams', () => {
  it('are rendered from the machine definitions and up to date (run `pnpm --filter @hh-oauth/core diagram`)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = renderSection({ machineToMermaid, sessionMachine, appTokenMachine });
    expect(replaceSection(readme, section)).toBe(readme);
  });

  it('draws every state and its transitions', () => {
    const text = machineToMermaid(sessionMachine);
    expect(text.startsWith('stateDiagram-v2\n  [*] --> restore\n')).toBe(true);
    expect(text).toContain('authorizing --> exchanging: auth.callback [callbackHasCode]');
    expect(text).toContain('refreshing --> storing: refreshTokens error [refreshTokenReused]');
    expect(text).toContain('storing --> stale: saveRecord done [settlesTo stale]');
    expect(text).toContain('spending --> refreshing: saveRecord done');
    expect(text).toContain('exchanging: invokes exchangeCode');
  });
});
