// A model as boxes and arrows, before layout: every IR node a box (kind, key arguments,
// output shape, parameters), every data dependency an edge, every nested model a group
// holding its own boxes. Pure data; layout.ts places it and svg.ts draws it.
import type { IRNode, ModelIR, Value } from '../ir.js';
import { LAYERS } from '../layers/index.js';
import { valueText } from '../lsp/docs.js';
import { Dim } from '../shapes/dim.js';
import { formatShape } from '../shapes/shape.js';
import { totalParams } from '../summary.js';

export interface Box {
  id: string;
  /** 'input', a layer-table name, or 'model' for a group's frame or a nested model drawn as one box. */
  kind: string;
  /** Text lines, the first one the title. */
  lines: string[];
  output: boolean;
}

export interface Group {
  id: string;
  /** The model's name, with the arguments it was instantiated with. */
  title: string;
  params: string;
  boxes: Box[];
  groups: Group[];
}

export interface Edge { id: string; from: string; to: string }

export interface ModelGraph { root: Group; edges: Edge[] }

const count = (d: Dim) => (d.value !== undefined ? d.value.toLocaleString('en-US') : d.toString());

/** A layer argument as written in source; a wrapped layer as its call. */
function argText(v: Value): string {
  if (v.kind === 'layer') return `${v.layer.layer}(${argsText(v.layer.layer, v.layer.args)})`;
  return valueText(v);
}

/** The arguments that say what the layer is, only where they differ from the table's
 *  default: sizes and rates given by position as bare values (`256, 5`), the others by name
 *  (`activation: relu`), which reads better than a bare word. */
export function argsText(layer: string, args: ReadonlyMap<string, Value> | undefined): string {
  const def = LAYERS.get(layer);
  if (!def || !args) return '';
  const out: string[] = [];
  for (const p of def.params) {
    const v = args.get(p.name);
    if (!v || v.kind === 'poison') continue;
    if (p.default && valueText(p.default) === valueText(v)) continue;
    if (p.rest && v.kind === 'list') for (const item of v.items) out.push(argText(item)); // no spread: lists may be 100k long
    else out.push(p.positional && p.type.kind !== 'enum' ? argText(v) : `${p.name}: ${argText(v)}`);
  }
  return out.join(', ');
}

/** The arguments a nested model was given (its parameters, as bound). */
function modelArgsText(m: ModelIR): string {
  return [...m.args].map(([k, v]) => `${k}: ${argText(v)}`).join(', ');
}

/** Nested models deeper than this are drawn as one box each: a picture of hundreds of frames
 *  inside each other says nothing (and its layout recursed past the stack); the box names
 *  the model, which `nnc graph --model` draws on its own. */
export const MAX_DRAWN_NESTING = 12;

export function modelGraph(model: ModelIR): ModelGraph {
  const edges: Edge[] = [];
  let next = 0;
  /** Lays out one model's nodes into a group; returns, per node index, the box id that
   *  consumers of that node connect from, and the box ids its inputs connect to. */
  function group(m: ModelIR, prefix: string, title: string, depth: number): { group: Group; outOf: string[]; inputIds: string[] } {
    const g: Group = { id: `${prefix}model`, title, params: count(totalParams(m)), boxes: [], groups: [] };
    const outOf: string[] = [];
    const entry: string[][] = []; // the boxes an edge into node i ends at
    const sharedWith = new Map<number, string>();
    const outputs = new Set(m.outputs.map((o) => o.node));
    m.nodes.forEach((n, i) => {
      const id = `${prefix}n${i}`;
      if (n.model && depth >= MAX_DRAWN_NESTING) {
        g.boxes.push({ id, kind: 'model', lines: [n.model.name, `→ ${formatShape(n.shape)}`, `${count(n.params)} params`, `nested too deep to draw here: nnc graph --model ${n.model.name}`], output: outputs.has(i) });
        entry[i] = [id];
        outOf[i] = id;
      } else if (n.model) {
        const inner = group(n.model, `${id}.`, `${n.model.name}${n.model.args.size ? `(${modelArgsText(n.model)})` : ''}`, depth + 1);
        g.groups.push(inner.group);
        entry[i] = inner.inputIds;
        outOf[i] = inner.outOf[n.model.outputs[0]!.node]!;
      } else {
        g.boxes.push({ id, kind: n.op === 'input' ? 'input' : n.layer!, lines: boxLines(n, sharedWith), output: outputs.has(i) });
        entry[i] = [id];
        outOf[i] = id;
      }
      n.inputs.forEach((src, k) => {
        // Into a nested model: the k-th input feeds its k-th input box.
        const targets = n.model ? [entry[i]![k] ?? entry[i]![0]!] : entry[i]!;
        for (const to of targets) edges.push({ id: `e${next++}`, from: outOf[src]!, to });
      });
    });
    return { group: g, outOf, inputIds: m.inputs.map((inp) => outOf[inp.node]!) };
  }
  const { group: root } = group(model, '', model.name, 0);
  return { root, edges };
}

function boxLines(n: IRNode, sharedWith: Map<number, string>): string[] {
  const shape = formatShape(n.shape);
  if (n.op === 'input') return [`input ${n.name}`, shape];
  const layer = n.layer!;
  const args = argsText(layer, n.args);
  const lines = [n.name === layer || n.name.startsWith(`${layer}_`) ? layer : `${n.name} = ${layer}`];
  if (args) lines.push(...wrap(args, 36));
  lines.push(`→ ${shape}`);
  const first = n.layerId === undefined ? undefined : sharedWith.get(n.layerId);
  if (first) lines.push(`shares weights with ${first}`);
  else {
    if (n.layerId !== undefined) sharedWith.set(n.layerId, n.name);
    if (n.params.value !== 0) lines.push(`${count(n.params)} params`);
  }
  return lines;
}

/** Comma-separated text in lines of at most `width` characters (a longer item keeps its line). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const item of text.split(', ')) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + 2 + item.length <= width) lines[last] += `, ${item}`;
    else lines.push(item);
  }
  return lines;
}
