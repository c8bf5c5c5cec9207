import type { Transition } from '@hh-oauth/client';
import type { FC } from 'hono/jsx';
import type { Layout as DiagramLayout, Graph } from '../diagram.js';
import { formatTime } from '../format.js';

export interface MachineView {
  readonly name: string;
  readonly source: string;
  readonly graph: Graph;
  readonly layout: DiagramLayout;
}

/**
 * A machine as inline SVG (no script from a CDN), the current state highlighted, plus its
 * transitions as a table and the Mermaid source. `/assets/demo.js` moves the highlight live.
 */
export const StateDiagram: FC<{ machine: MachineView; current: string | undefined }> = ({
  machine,
  current,
}) => {
  const { layout, graph } = machine;
  return (
    <figure class="diagram">
      <svg
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        width={layout.width}
        height={layout.height}
        role="img"
        aria-label={`${machine.name}: current state ${current ?? 'unknown'}`}
      >
        <defs>
          <marker
            id={`arrow-${machine.name}`}
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M0,0 L10,5 L0,10 z" />
          </marker>
        </defs>
        {layout.arrows.map((arrow) => (
          <path
            class={`edge${arrow.from === current ? ' out' : ''}${arrow.from === graph.initial ? ' initial' : ''}`}
            data-from={arrow.from}
            d={arrow.d}
            marker-end={`url(#arrow-${machine.name})`}
          >
            <title>{`${arrow.from} → ${arrow.to}\n${arrow.labels.join('\n')}`}</title>
          </path>
        ))}
        {layout.boxes.map((box) => (
          <g
            class={`state${box.state === current ? ' current' : ''}`}
            data-state={box.state}
            transform={`translate(${box.x},${box.y})`}
          >
            <title>
              {graph.invokes.has(box.state)
                ? `${box.state}: invokes ${graph.invokes.get(box.state)?.join(', ')}`
                : box.state}
            </title>
            <rect width={layout.boxWidth} height={layout.boxHeight} rx="17" />
            <text x={layout.boxWidth / 2} y={layout.boxHeight / 2 + 5} text-anchor="middle">
              {box.state}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>
        The <code>{machine.name}</code> of <code>@hh-oauth/core</code>; hover an arrow for its
        events and guards. Highlighted: the current state and the ways out of it. Dashed: how a
        stored record is restored (<code>{graph.initial}</code>) when the client loads it.
      </figcaption>
      <details>
        <summary>Transitions</summary>
        <table class="transitions">
          <thead>
            <tr>
              <th>from</th>
              <th>event [guard]</th>
              <th>to</th>
            </tr>
          </thead>
          <tbody>
            {graph.edges.map((edge) => (
              <tr class={edge.from === current ? 'out' : ''} data-from={edge.from}>
                <td>{edge.from}</td>
                <td>
                  <code>{edge.label || '(always)'}</code>
                </td>
                <td>{edge.to}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <details>
        <summary>
          Mermaid source (<code>machineToMermaid({machine.name})</code>)
        </summary>
        <pre class="mermaid-source">{machine.source}</pre>
      </details>
    </figure>
  );
};

/** The states the client reported for this session, oldest first; the script appends new ones. */
export const TransitionList: FC<{ transitions: readonly Transition[] }> = ({ transitions }) => (
  <ol id="transition-log" class="transition-log">
    {transitions.map((t) => (
      <li data-state={t.state}>
        <time>{formatTime(t.at)}</time> <strong>{t.state}</strong>
      </li>
    ))}
  </ol>
);
