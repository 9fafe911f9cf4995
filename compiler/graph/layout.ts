// Places a ModelGraph with ELK's layered algorithm (elkjs: the Eclipse Layout Kernel compiled
// to JavaScript; compound nodes keep a nested model's boxes inside its frame, and edges may
// cross frames). Box sizes come from the text: the SVG uses a monospace font of known width.
import elkModule from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { Box, Group, ModelGraph } from './boxes.js';

// A CommonJS module seen through its types' `export default`: the constructor is its `default`
// (elk.bundled.js sets it on itself).
const ELK = elkModule.default;

export const FONT_SIZE = 12;
/** Advance of one character of a monospace font at FONT_SIZE (0.6 em). */
export const CHAR_WIDTH = FONT_SIZE * 0.6;
export const LINE_HEIGHT = 16;
export const PAD = 8;

export interface Rect { x: number; y: number; width: number; height: number }
export interface PlacedBox extends Rect { box: Box }
export interface PlacedGroup extends Rect { group: Group; boxes: PlacedBox[]; groups: PlacedGroup[] }
export interface PlacedEdge { id: string; from: string; to: string; points: { x: number; y: number }[] }
export interface Layout { root: PlacedGroup; edges: PlacedEdge[]; width: number; height: number }

export function boxSize(box: Box): { width: number; height: number } {
  const chars = Math.max(...box.lines.map((l) => l.length));
  return { width: Math.ceil(chars * CHAR_WIDTH + 2 * PAD), height: box.lines.length * LINE_HEIGHT + PAD };
}

/** The narrowest a group's frame can be: its widest box or inner frame, and its padding. */
function minWidth(group: Group): number {
  return Math.max(0, ...group.boxes.map((b) => boxSize(b).width), ...group.groups.map(minWidth)) + 4 * PAD;
}

/** A group's title and parameter count, wrapped at ", " to the frame's narrowest width, so
 *  they never run past its border (ELK does not widen a frame for its own text). */
export function groupTitleLines(group: Group): { title: string[]; params: string } {
  const width = Math.max(16, Math.floor((minWidth(group) - 2 * PAD) / CHAR_WIDTH));
  return { title: wrap(group.title, width), params: `${group.params} params` };
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const piece of text.split(/(?<=, )/)) {
    const last = lines.length - 1;
    if (last >= 0 && (lines[last]! + piece).trimEnd().length <= width) lines[last] += piece;
    else lines.push(piece);
  }
  return lines.map((l) => l.trimEnd());
}

function elkGroup(group: Group): ElkNode {
  const top = (groupTitleLines(group).title.length + 1) * LINE_HEIGHT + 2 * PAD;
  return {
    id: group.id,
    layoutOptions: { 'elk.padding': `[top=${top},left=${PAD * 2},bottom=${PAD * 2},right=${PAD * 2}]` },
    children: [...group.boxes.map((b) => ({ id: b.id, ...boxSize(b) })), ...group.groups.map(elkGroup)],
  };
}

/** The layout of the graph, coordinates absolute, (0, 0) the top left corner. */
export async function layoutGraph(graph: ModelGraph): Promise<Layout> {
  const root: ElkNode = {
    ...elkGroup(graph.root),
    layoutOptions: {
      ...elkGroup(graph.root).layoutOptions,
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.spacing.nodeNode': '24',
      'elk.layered.spacing.nodeNodeBetweenLayers': '28',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    edges: graph.edges.map((e): ElkExtendedEdge => ({ id: e.id, sources: [e.from], targets: [e.to] })),
  };
  const laid = await new ELK().layout(root);

  // ELK gives child positions relative to their parent and edge points relative to the edge's
  // container (edges here all sit on the root, so that is the root's frame).
  const offsets = new Map<string, { x: number; y: number }>();
  function place(node: ElkNode, group: Group, dx: number, dy: number): PlacedGroup {
    const x = dx + (node.x ?? 0), y = dy + (node.y ?? 0);
    offsets.set(node.id, { x, y });
    const byId = new Map((node.children ?? []).map((c) => [c.id, c]));
    return {
      group, x, y, width: node.width ?? 0, height: node.height ?? 0,
      boxes: group.boxes.map((box) => {
        const c = byId.get(box.id)!;
        return { box, x: x + (c.x ?? 0), y: y + (c.y ?? 0), width: c.width ?? 0, height: c.height ?? 0 };
      }),
      groups: group.groups.map((g) => place(byId.get(g.id)!, g, x, y)),
    };
  }
  const placed = place({ ...laid, x: 0, y: 0 }, graph.root, 0, 0);
  const edges = (laid.edges ?? []).map((e): PlacedEdge => {
    const source = graph.edges.find((g) => g.id === e.id)!;
    const frame = offsets.get((e as ElkExtendedEdge & { container?: string }).container ?? laid.id) ?? { x: 0, y: 0 };
    const points = (e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]).map((p) => ({ x: p.x + frame.x, y: p.y + frame.y }));
    return { id: e.id, from: source.from, to: source.to, points };
  });
  return { root: placed, edges, width: laid.width ?? 0, height: laid.height ?? 0 };
}
