// Renders both machines as Mermaid stateDiagram-v2 into README.md, between the markers.
// Run with `pnpm --filter @hh-oauth/core diagram` (builds first; reads dist/).
import { readFileSync, writeFileSync } from 'node:fs';
import { appTokenMachine, sessionMachine } from '../dist/index.js';
import { machineToMermaid } from '../dist/subpaths/diagram.js';
import { renderSection, replaceSection } from './diagram-section.mjs';

const path = new URL('../README.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = replaceSection(
  before,
  renderSection({ machineToMermaid, sessionMachine, appTokenMachine }),
);
if (after !== before) writeFileSync(path, after);
console.log(after === before ? 'README.md diagrams are up to date' : 'README.md diagrams updated');
