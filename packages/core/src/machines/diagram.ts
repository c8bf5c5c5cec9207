import type { AnyStateMachine, AnyStateNode } from 'xstate';

interface TransitionLike {
  readonly eventType: string;
  readonly target?: readonly AnyStateNode[] | undefined;
  readonly guard?: unknown;
}

function guardLabel(guard: unknown): string {
  if (guard === undefined) return '';
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') return guard.name || 'guard';
  if (typeof guard === 'object' && guard !== null && 'type' in guard) {
    const { type, params } = guard as { type: unknown; params?: unknown };
    if (params !== null && typeof params === 'object') {
      const values = Object.values(params as Record<string, unknown>).map(String);
      return `${String(type)} ${values.join(' ')}`;
    }
    return String(type);
  }
  return 'guard';
}

function eventLabel(eventType: string): string {
  if (eventType === '') return '';
  const done = /^xstate\.done\.actor\.(.+)$/.exec(eventType);
  if (done) return `${done[1]} done`;
  const error = /^xstate\.error\.actor\.(.+)$/.exec(eventType);
  if (error) return `${error[1]} error`;
  return eventType;
}

/**
 * Renders a flat xstate v5 machine as a Mermaid `stateDiagram-v2`, from its definition: each
 * state node, its invoked actors, and every transition with a target (event, then `[guard]`).
 * Targetless transitions (errors recorded in place) are left out.
 */
export function machineToMermaid(machine: AnyStateMachine): string {
  const root = machine.root;
  const lines = ['stateDiagram-v2'];
  const initial = root.initial?.target?.[0];
  if (initial) lines.push(`  [*] --> ${initial.key}`);
  for (const node of Object.values(root.states) as AnyStateNode[]) {
    for (const invoke of node.invoke) {
      lines.push(`  ${node.key}: invokes ${String(invoke.src)}`);
    }
    const transitions: TransitionLike[] = [...(node.always ?? [])];
    for (const list of node.transitions.values()) transitions.push(...list);
    for (const transition of transitions) {
      const target = transition.target?.[0];
      if (!target) continue;
      const guard = guardLabel(transition.guard);
      const label = [eventLabel(transition.eventType), guard ? `[${guard}]` : '']
        .filter(Boolean)
        .join(' ');
      lines.push(`  ${node.key} --> ${target.key}${label ? `: ${label}` : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
