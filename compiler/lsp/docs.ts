// What the editor says about a name: signatures and docs of layers, data functions,
// optimizers, models and task fields, all read from the compiler's tables.
import { DATA_SOURCES } from '../data/sources.js';
import { PRETRAINED_SOURCES } from '../pretrained/sources.js';
import type { ModelIR } from '../ir.js';
import { LAYERS } from '../layers/index.js';
import { Dim } from '../shapes/dim.js';
import { formatShape } from '../shapes/shape.js';
import { TASKS } from '../tasks/index.js';
import type { TaskSchema } from '../tasks/kind.js';
import { OPTIMIZERS } from '../tasks/vocab.js';
import { describeType, type ParamSpec, type Value } from '../ir.js';

/** A value as it would be written in source. */
export function valueText(v: Value): string {
  switch (v.kind) {
    case 'int': case 'float': case 'bool': return String(v.value);
    case 'string': return JSON.stringify(v.value);
    case 'enum': return v.name;
    case 'null': return 'none';
    case 'dim': return String(v.dim);
    case 'list': return `[${v.items.map(valueText).join(', ')}]`;
    case 'call': return `${v.name}(${[...v.args].map(([k, a]) => `${k}: ${valueText(a)}`).join(', ')})`;
    default: return v.kind;
  }
}

export function paramText(p: ParamSpec): string {
  return `${p.name}: ${describeType(p.type)}${p.default ? ` = ${valueText(p.default)}` : ''}`;
}

export interface CallableParam { name: string; label: string; doc: string; positional: boolean }

/** Something callable, by name: its parameters, docs and kind. */
export interface Callable { name: string; params: readonly CallableParam[]; doc: string; kind: 'layer' | 'data' | 'pretrained' | 'optimizer' | 'model' }

const fromSpecs = (specs: readonly ParamSpec[]): CallableParam[] => specs.map((p) => ({ name: p.name, label: paramText(p), doc: p.doc, positional: !!p.positional }));

/** A table entry (layer, data function, pretrained model, optimizer) or a model of the file, by name. */
export function callable(name: string, model: (name: string) => { params: CallableParam[]; ir?: ModelIR } | undefined): Callable | undefined {
  const layer = LAYERS.get(name);
  if (layer) return { name, params: fromSpecs(layer.params), doc: `${layer.doc}\n\nShape: \`${layer.shapeDoc}\``, kind: 'layer' };
  const data = DATA_SOURCES.get(name);
  if (data) return { name, params: fromSpecs(data.params), doc: data.doc, kind: 'data' };
  const pretrained = PRETRAINED_SOURCES.get(name);
  if (pretrained) return { name, params: fromSpecs(pretrained.params), doc: pretrained.doc, kind: 'pretrained' };
  const opt = OPTIMIZERS.get(name);
  if (opt) return { name, params: fromSpecs(opt.params), doc: `The ${name} optimizer.`, kind: 'optimizer' };
  const m = model(name);
  if (m) return { name, params: m.params, doc: modelDoc(m.ir, name), kind: 'model' };
  return undefined;
}

export function signatureLabel(c: Callable): string {
  return `${c.name}(${c.params.map((p) => p.label).join(', ')})`;
}

export function modelDoc(m: ModelIR | undefined, name: string): string {
  if (!m) return `model ${name}`;
  const ins = m.inputs.map((i) => `${i.name}: ${formatShape(m.nodes[i.node]!.shape)}`).join(', ');
  const outs = m.outputs.map((o) => `${o.name ? o.name + ': ' : ''}${formatShape(m.nodes[o.node]!.shape)}`).join(', ');
  const params = m.nodes.reduce((sum, n) => sum.add(n.params), Dim.const(0));
  return `${m.doc ? m.doc + '\n\n' : ''}\`model ${m.name}\`: ${ins} → ${outs}, ${params.value !== undefined ? params.value.toLocaleString('en-US') : String(params)} parameters`;
}

export function taskFieldDoc(schema: TaskSchema, field: string): string | undefined {
  const f = schema.fields.find((x) => x.name === field);
  return f && `\`${paramText(f)}\`\n\n${f.doc}`;
}

export function taskDoc(kind: string): string | undefined {
  const t = TASKS.get(kind);
  return t && `**${t.kind}** task${t.module !== 'core' ? ` (from \`${t.module}\`)` : ''}\n\n${t.doc}`;
}
