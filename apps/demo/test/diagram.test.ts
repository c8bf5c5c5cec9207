import { appTokenMachine, sessionMachine } from '@hh-oauth/core';
import { machineToMermaid } from '@hh-oauth/core/diagram';
import { describe, expect, it } from 'vitest';
import { layoutGraph, parseMermaid } from '../src/diagram.js';
import { formatDuration, maskToken } from '../src/format.js';

describe.each([
  ['sessionMachine', sessionMachine],
  ['appTokenMachine', appTokenMachine],
] as const)('the %s diagram', (_name, machine) => {
  const source = machineToMermaid(machine);
  const graph = parseMermaid(source);
  const layout = layoutGraph(graph);

  it('has every state and every transition of the Mermaid source', () => {
    const targets = source.split('\n').filter((line) => line.includes('-->'));
    expect(graph.edges.length + 1).toBe(targets.length); // + the `[*] -->` line
    for (const state of Object.keys(machine.root.states)) expect(graph.states).toContain(state);
    expect(graph.initial).toBe(machine.root.initial?.target?.[0]?.key);
  });

  it('places each state in its own cell, inside the picture', () => {
    const cells = new Set(layout.boxes.map((b) => `${b.x},${b.y}`));
    expect(cells.size).toBe(layout.boxes.length);
    for (const box of layout.boxes) {
      expect(box.x + layout.boxWidth).toBeLessThanOrEqual(layout.width);
      expect(box.y + layout.boxHeight).toBeLessThanOrEqual(layout.height);
    }
  });
});

it('an unknown state gets a row of its own', () => {
  const graph = parseMermaid('stateDiagram-v2\n  [*] --> idle\n  idle --> brandNew: go\n');
  const layout = layoutGraph(graph);
  const [idle, brandNew] = layout.boxes;
  expect(brandNew?.state).toBe('brandNew');
  expect(brandNew?.y).toBeGreaterThan(idle?.y ?? 0);
  expect(layout.arrows).toHaveLength(1);
});

it('shows at most a short prefix of a token', () => {
  expect(maskToken('hha_0123456789abcdef0123456789')).toBe('hha_01…');
  expect(maskToken('abc')).toBe('a…');
  expect(maskToken(undefined)).toBe('—');
  expect(formatDuration(1_209_600_000)).toBe('14 d 0 h 0 min 0 s');
  expect(formatDuration(-61_000)).toBe('1 min 1 s');
});
