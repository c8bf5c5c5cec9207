/**
 * Turns `machineToMermaid()`'s text into a small laid-out graph, so the demo can draw the machine
 * as inline SVG with no script from a CDN (the Mermaid source is shown beside it for those who
 * want to paste it into mermaid.live).
 */

export interface Edge {
  readonly from: string;
  readonly to: string;
  /** `event [guard]`, or '' for an eventless transition. */
  readonly label: string;
}

export interface Graph {
  /** States in the order they first appear. */
  readonly states: readonly string[];
  readonly initial: string | undefined;
  readonly edges: readonly Edge[];
  /** state → the actors it invokes. */
  readonly invokes: ReadonlyMap<string, readonly string[]>;
}

const TRANSITION = /^\s*(\[\*\]|\w+)\s*-->\s*(\w+)\s*(?::\s*(.*))?$/;
const INVOKE = /^\s*(\w+)\s*:\s*invokes\s+(.+)$/;

/** Reads the subset of `stateDiagram-v2` that `machineToMermaid` writes. */
export function parseMermaid(source: string): Graph {
  const states: string[] = [];
  const edges: Edge[] = [];
  const invokes = new Map<string, string[]>();
  let initial: string | undefined;
  const see = (state: string) => {
    if (!states.includes(state)) states.push(state);
  };
  for (const line of source.split('\n')) {
    const transition = TRANSITION.exec(line);
    if (transition) {
      const [, from = '', to = '', label = ''] = transition;
      see(to);
      if (from === '[*]') initial = to;
      else {
        see(from);
        edges.push({ from, to, label: label.trim() });
      }
      continue;
    }
    const invoke = INVOKE.exec(line);
    if (invoke) {
      const [, state = '', actor = ''] = invoke;
      see(state);
      invokes.set(state, [...(invokes.get(state) ?? []), actor.trim()]);
    }
  }
  return { states, initial, edges, invokes };
}

export interface Box {
  readonly state: string;
  readonly x: number;
  readonly y: number;
}

export interface Arrow {
  readonly from: string;
  readonly to: string;
  /** Every transition between the two states, one per line. */
  readonly labels: readonly string[];
  /** SVG path data. */
  readonly d: string;
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly boxWidth: number;
  readonly boxHeight: number;
  readonly boxes: readonly Box[];
  readonly arrows: readonly Arrow[];
}

/**
 * Hand-picked grid cells (column, row) for the states of the two machines, so the happy path reads
 * left to right on the top row. A state not listed here (a future one) goes to an extra row.
 */
const CELLS: Readonly<Record<string, readonly [number, number]>> = {
  // sessionMachine
  idle: [1, 0],
  authorizing: [2, 0],
  exchanging: [3, 0],
  authorized: [4, 0],
  refreshing: [5, 0],
  restore: [0, 1],
  signedOut: [1, 2],
  failed: [3, 2],
  stale: [5, 2],
  revoking: [4, 1],
  // appTokenMachine
  none: [1, 0],
  requesting: [2, 0],
  active: [3, 0],
  coolingDown: [2, 2],
};

const BOX_W = 116;
const BOX_H = 34;
const GAP_X = 40;
const GAP_Y = 46;
const PAD = 12;

/** Places the states on a grid and routes one gently curved arrow per ordered pair of states. */
export function layoutGraph(graph: Graph): Layout {
  const taken = new Set<string>();
  const cells = new Map<string, [number, number]>();
  for (const state of graph.states) {
    const cell = CELLS[state];
    if (cell && !taken.has(`${cell[0]},${cell[1]}`)) {
      cells.set(state, [cell[0], cell[1]]);
      taken.add(`${cell[0]},${cell[1]}`);
    }
  }
  const extraRow = Math.max(0, ...[...cells.values()].map(([, row]) => row)) + 1;
  let extraColumn = 0;
  for (const state of graph.states) {
    if (!cells.has(state)) cells.set(state, [extraColumn++, extraRow]);
  }
  const usedColumns = [...cells.values()].map(([column]) => column);
  const usedRows = [...cells.values()].map(([, row]) => row);
  const minColumn = Math.min(...usedColumns);
  const columns = Math.max(...usedColumns) - minColumn + 1;
  const rows = Math.max(...usedRows) + 1;

  const boxes: Box[] = graph.states.map((state) => {
    const [column, row] = cells.get(state) ?? [0, 0];
    return {
      state,
      x: PAD + (column - minColumn) * (BOX_W + GAP_X),
      y: PAD + row * (BOX_H + GAP_Y),
    };
  });
  const centre = new Map(boxes.map((b) => [b.state, [b.x + BOX_W / 2, b.y + BOX_H / 2] as const]));

  const pairs = new Map<string, { from: string; to: string; labels: string[] }>();
  for (const edge of graph.edges) {
    if (edge.from === edge.to) continue; // self-loops (auth.start again) would only add noise
    const key = `${edge.from}>${edge.to}`;
    const pair = pairs.get(key) ?? { from: edge.from, to: edge.to, labels: [] };
    pair.labels.push(edge.label || '(always)');
    pairs.set(key, pair);
  }
  const arrows: Arrow[] = [...pairs.values()].map(({ from, to, labels }) => {
    const [x1, y1] = centre.get(from) ?? [0, 0];
    const [x2, y2] = centre.get(to) ?? [0, 0];
    const [sx, sy] = clip(x1, y1, x2, y2);
    const [ex, ey] = clip(x2, y2, x1, y1);
    // Bend to the left of the direction of travel: A→B and B→A then never overlap.
    const length = Math.hypot(ex - sx, ey - sy) || 1;
    const bend = 14;
    const cx = (sx + ex) / 2 + (-(ey - sy) / length) * bend;
    const cy = (sy + ey) / 2 + ((ex - sx) / length) * bend;
    const r = (n: number) => Math.round(n * 10) / 10;
    return { from, to, labels, d: `M${r(sx)},${r(sy)} Q${r(cx)},${r(cy)} ${r(ex)},${r(ey)}` };
  });

  return {
    width: PAD * 2 + columns * BOX_W + (columns - 1) * GAP_X,
    height: PAD * 2 + rows * BOX_H + (rows - 1) * GAP_Y,
    boxWidth: BOX_W,
    boxHeight: BOX_H,
    boxes,
    arrows,
  };
}

/** Where the segment from a box's centre towards (tx, ty) leaves the box (plus a small margin). */
function clip(cx: number, cy: number, tx: number, ty: number): [number, number] {
  const dx = tx - cx;
  const dy = ty - cy;
  if (dx === 0 && dy === 0) return [cx, cy];
  const halfW = BOX_W / 2 + 3;
  const halfH = BOX_H / 2 + 3;
  const scale = Math.min(
    dx === 0 ? Number.POSITIVE_INFINITY : halfW / Math.abs(dx),
    dy === 0 ? Number.POSITIVE_INFINITY : halfH / Math.abs(dy),
  );
  return [cx + dx * scale, cy + dy * scale];
}
