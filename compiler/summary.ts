// `nnc summary`: per-layer output shapes and parameter counts, laid out like Keras'
// model.summary(). Counts come from the layer table's paramCount rules.
import type { ModelIR } from './ir.js';
import { Dim } from './shapes/dim.js';
import { formatShape } from './shapes/shape.js';

export interface SummaryRow { name: string; type: string; shape: string; params: Dim; connectedTo: string[] }

export function summaryRows(model: ModelIR): SummaryRow[] {
  const layerSeen = new Set<number>();
  return model.nodes.map((n) => {
    // A shared layer's weights are counted once, at its first application.
    const counted = n.layerId === undefined || !layerSeen.has(n.layerId);
    if (n.layerId !== undefined) layerSeen.add(n.layerId);
    const type = n.op === 'input' ? 'InputLayer' : n.model ? n.model.name : n.layer!;
    return { name: n.name, type, shape: formatShape(n.shape), params: counted ? n.params : Dim.const(0), connectedTo: n.inputs.map((i) => model.nodes[i]!.name) };
  });
}

export function totalParams(model: ModelIR): Dim {
  return summaryRows(model).reduce((acc, r) => acc.add(r.params), Dim.const(0));
}

const fmtCount = (d: Dim) => (d.value !== undefined ? d.value.toLocaleString('en-US') : d.toString());

export function renderSummary(model: ModelIR): string {
  const rows = summaryRows(model);
  const branching = model.nodes.some((n) => n.inputs.length > 1) || model.inputs.length > 1;
  const headers = ['Layer (type)', 'Output Shape', 'Param #', ...(branching ? ['Connected to'] : [])];
  const cells = rows.map((r) => [`${r.name} (${r.type})`, r.shape, fmtCount(r.params), ...(branching ? [r.connectedTo.join(', ')] : [])]);
  // A loop, not Math.max(...cells): a spread of 100k+ rows overflows the stack.
  const widths = headers.map((h) => h.length + 2);
  for (const c of cells) c.forEach((cell, i) => { widths[i] = Math.max(widths[i]!, cell.length + 2); });
  const line = (cs: string[]) => cs.map((c, i) => (i === 2 ? c.padStart(widths[i]! - 2).padEnd(widths[i]!) : c.padEnd(widths[i]!))).join('').trimEnd();
  const total = widths.reduce((a, b) => a + b, 0);
  const out = [`Model: "${model.name}"`, '_'.repeat(total), line(headers), '='.repeat(total)];
  cells.forEach((c, i) => {
    out.push(line(c));
    out.push(i === cells.length - 1 ? '='.repeat(total) : '_'.repeat(total));
  });
  const sum = totalParams(model);
  out.push(`Total params: ${fmtCount(sum)}`);
  const bytes = sum.value !== undefined ? humanBytes(sum.value * 4) : `4*(${sum}) bytes`;
  out.push(`Weights memory: ${bytes} (float32)`);
  return out.join('\n');
}

function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(2)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}
