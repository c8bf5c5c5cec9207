/**
 * @hh-oauth/core/diagram — renders a machine as a Mermaid `stateDiagram-v2` (the README's
 * diagrams, the demo's live diagram). Apart from the main entry: only tools need it.
 */
export { machineToMermaid } from '../machines/diagram.js';
