// Read-only editor features over one Analysis: hover, inlay hints, completion, signature
// help, go to definition and document symbols. Each returns LSP data; none writes anything.
import { dirname, resolve } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CompletionItemKind, InlayHintKind, MarkupKind, SymbolKind,
  type CompletionItem, type DocumentSymbol, type Hover, type InlayHint, type Location, type Range, type SignatureHelp,
} from 'vscode-languageserver';
import type { Decl, Span } from '../../grammar/ast.js';
import { KEYWORDS } from '../../grammar/tokens.js';
import { exportsOf } from '../check/loader.js';
import { DATA_SOURCES } from '../data/sources.js';
import { PRETRAINED_SOURCES } from '../pretrained/sources.js';
import type { IRNode, ModelIR } from '../ir.js';
import { LAYERS } from '../layers/index.js';
import { formatShape } from '../shapes/shape.js';
import { TASKS } from '../tasks/index.js';
import { OPTIMIZERS } from '../tasks/vocab.js';
import { callAt, declAt, docFor, modelOf, nodeAt, uriOf, within, wordAt, type Analysis } from './analysis.js';
import { callable, modelDoc, signatureLabel, taskDoc, taskFieldDoc, type Callable, type CallableParam } from './docs.js';


function range(doc: TextDocument, span: Span): Range {
  return { start: doc.positionAt(span.start), end: doc.positionAt(span.end) };
}

/** A model declared in or imported into the file: its parameters and default IR. */
function modelInfo(a: Analysis, name: string): { params: CallableParam[]; ir?: ModelIR; decl: Extract<Decl, { kind: 'model' }>; path: string } | undefined {
  const sym = a.module.scope.get(name);
  if (sym?.kind !== 'decl' || sym.decl.kind !== 'model') return undefined;
  const decl = sym.decl;
  const text = a.result.sources.get(sym.module.path) ?? '';
  const params = decl.params.map((p) => ({
    name: p.name.name, positional: true, doc: '',
    label: `${p.name.name}: ${p.type.name}${p.default ? ` = ${text.slice(p.default.span.start, p.default.span.end)}` : ''}`,
  }));
  return { params, ir: a.result.modelsByDecl.get(decl), decl, path: sym.module.path };
}

const callableIn = (a: Analysis, name: string): Callable | undefined => callable(name, (n) => modelInfo(a, n));

/** The task declaration the offset is in. */
function taskAt(a: Analysis, offset: number) {
  const d = declAt(a, offset);
  return d?.kind === 'task' ? d : undefined;
}

export function hover(a: Analysis, offset: number): Hover | null {
  const w = wordAt(a, offset);
  if (!w) return null;
  const md = (value: string, span: Span = w): Hover => ({ contents: { kind: MarkupKind.Markdown, value }, range: range(a.doc, span) });
  const decl = declAt(a, offset);
  const next = a.tokens[w.index + 1]?.image;
  if (decl?.kind === 'task') {
    const schema = TASKS.get(decl.taskKind.name);
    if (within(decl.taskKind.span, offset)) return taskDoc(decl.taskKind.name) ? md(taskDoc(decl.taskKind.name)!) : null;
    const field = schema && next === ':' && decl.fields.find((f) => within(f.name.span, offset));
    if (field && schema) return md(taskFieldDoc(schema, field.name.name) ?? `${field.name.name}: not a field of ${schema.kind}`);
  }
  const model = modelOf(a, decl);
  if (model) {
    // A tensor name (input or binding) or a layer call on this line of the model.
    const named = a.tokens[w.index - 1]?.image !== '.' ? model.nodes.find((n) => n.name === w.name) : undefined;
    const callee = callableIn(a, w.name);
    const node = nodeAt(model, offset);
    if (callee && node && (next === '(' || callee.kind === 'layer')) {
      return md(`\`\`\`nn\n${signatureLabel(callee)}\n\`\`\`\n→ \`${formatShape(node.shape)}\`\n\n${callee.doc}`);
    }
    if (named && !callee) return md(`\`${named.name}: ${formatShape(named.shape)}\``);
  }
  const c = callableIn(a, w.name);
  if (c) return md(`\`\`\`nn\n${signatureLabel(c)}\n\`\`\`\n${c.doc}`);
  if (TASKS.has(w.name)) return md(taskDoc(w.name)!);
  const sym = a.module.scope.get(w.name);
  if (sym?.kind === 'decl' && (sym.decl.kind === 'let' || sym.decl.kind === 'data')) {
    const text = a.result.sources.get(sym.module.path) ?? '';
    return md(`${sym.decl.doc ? sym.decl.doc + '\n\n' : ''}\`${sym.decl.kind} ${w.name} = ${text.slice(sym.decl.value.span.start, sym.decl.value.span.end)}\``);
  }
  return null;
}

/** The output shape after each line of each model: the last layer node ending on the line. */
export function inlayHints(a: Analysis, span?: Span): InlayHint[] {
  const hints: InlayHint[] = [];
  for (const decl of a.module.ast.decls) {
    const model = modelOf(a, decl);
    if (!model || (span && (decl.span.end < span.start || decl.span.start > span.end))) continue;
    const lastOnLine = new Map<number, { end: number; shape: string }>();
    for (const n of model.nodes) {
      if (n.op !== 'layer' || !within(decl.span, n.span.start)) continue;
      const line = a.doc.positionAt(n.span.end).line;
      const seen = lastOnLine.get(line);
      if (!seen || n.span.end >= seen.end) lastOnLine.set(line, { end: n.span.end, shape: formatShape(n.shape) });
    }
    for (const [line, h] of lastOnLine) {
      const lineEnd = a.doc.offsetAt({ line: line + 1, character: 0 });
      const text = a.doc.getText().slice(h.end, lineEnd);
      // After the line's code, before a trailing comment.
      const code = text.replace(/\/\/.*$/s, '').replace(/\s+$/, '');
      hints.push({ position: a.doc.positionAt(h.end + code.length), label: ` ${h.shape}`, kind: InlayHintKind.Type, paddingLeft: true });
    }
  }
  return hints;
}

function stdModules(a: Analysis): string[] {
  const files = a.host.stdModules?.() ?? [];
  const table = [...DATA_SOURCES.values(), ...TASKS.values()].map((d) => d.module).concat([...PRETRAINED_SOURCES.values()].flatMap((p) => p.modules)).filter((m) => m !== 'core');
  return [...new Set([...files, ...table])].sort();
}

export function completion(a: Analysis, offset: number): CompletionItem[] {
  const text = a.doc.getText();
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  if (/^\s*import\s+[\w.]*$/.test(before)) {
    return stdModules(a).map((m) => ({ label: m, kind: CompletionItemKind.Module, detail: 'standard-library module' }));
  }
  // `alias.` — the members of an imported module.
  const member = before.match(/([A-Za-z_]\w*)\.\w*$/);
  const owner = member ? a.module.scope.get(member[1]!) : undefined;
  if (owner?.kind === 'module') {
    return [...exportsOf(owner.module, owner.stdName ?? '')].map(([name, sym]) => ({
      label: name,
      kind: sym.kind === 'decl' && sym.decl.kind === 'model' ? CompletionItemKind.Class : CompletionItemKind.Function,
      documentation: sym.kind === 'decl' ? (sym.decl.kind === 'model' ? modelDoc(a.result.modelsByDecl.get(sym.decl), name) : sym.decl.doc) : (DATA_SOURCES.get(name) ?? PRETRAINED_SOURCES.get(name))?.doc,
    }));
  }
  const items: CompletionItem[] = [];
  const call = callAt(a, offset);
  const c = call && callableIn(a, call.callee);
  if (c && call && !call.named) {
    for (const p of c.params) if (!call.given.has(p.name)) items.push({ label: `${p.name}:`, insertText: `${p.name}: `, kind: CompletionItemKind.Field, detail: p.label, documentation: p.doc, sortText: `0${p.name}` });
  }
  const task = taskAt(a, offset);
  const atLineStart = /^\s*\w*$/.test(before);
  if (task && !call && atLineStart) {
    const schema = TASKS.get(task.taskKind.name);
    const given = new Set(task.fields.map((f) => f.name.name));
    for (const f of schema?.fields ?? []) {
      if (!given.has(f.name)) items.push({ label: f.name, insertText: `${f.name}: `, kind: CompletionItemKind.Property, detail: taskFieldDoc(schema!, f.name)?.split('\n')[0], documentation: f.doc, sortText: `0${f.name}` });
    }
    return items;
  }
  for (const l of LAYERS.values()) items.push({ label: l.name, kind: CompletionItemKind.Function, detail: l.shapeDoc, documentation: l.doc, sortText: `1${l.name}` });
  for (const [name, sym] of a.module.scope) {
    if (sym.kind !== 'decl') continue;
    const kind = sym.decl.kind === 'model' ? CompletionItemKind.Class : sym.decl.kind === 'data' ? CompletionItemKind.Variable : CompletionItemKind.Constant;
    items.push({ label: name, kind, detail: sym.decl.kind, documentation: sym.decl.kind === 'model' ? modelDoc(a.result.modelsByDecl.get(sym.decl), name) : sym.decl.doc, sortText: `1${name}` });
  }
  // The model's tensors, from the source (so they complete while the model has errors).
  const inModel = declAt(a, offset);
  const model = modelOf(a, inModel);
  if (inModel?.kind === 'model') {
    const byName = nodesByName(model);
    for (const s of inModel.body) {
      if (s.kind !== 'input' && s.kind !== 'bind') continue;
      const n = byName.get(s.name.name);
      items.push({ label: s.name.name, kind: CompletionItemKind.Variable, detail: n && formatShape(n.shape), sortText: `0${s.name.name}` });
    }
  }
  for (const d of DATA_SOURCES.values()) items.push({ label: d.name, kind: CompletionItemKind.Function, detail: `data (${d.module})`, documentation: d.doc, sortText: `2${d.name}` });
  for (const p of PRETRAINED_SOURCES.values()) items.push({ label: p.name, kind: CompletionItemKind.Function, detail: `pretrained model (${p.modules.join(', ')})`, documentation: p.doc, sortText: `2${p.name}` });
  for (const o of OPTIMIZERS.keys()) items.push({ label: o, kind: CompletionItemKind.Function, detail: 'optimizer', sortText: `2${o}` });
  if (inModel?.kind !== 'model') {
    for (const k of KEYWORDS) items.push({ label: k, kind: CompletionItemKind.Keyword, sortText: `3${k}` });
    for (const t of TASKS.values()) items.push({ label: t.kind, kind: CompletionItemKind.Keyword, detail: `task (${t.module})`, documentation: t.doc, sortText: `3${t.kind}` });
  }
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.label) && seen.add(i.label));
}

/** A model's nodes by name, the first of each name (a lookup per statement would be
 *  quadratic on a model of many lines). */
function nodesByName(model: ModelIR | undefined): Map<string, IRNode> {
  const out = new Map<string, IRNode>();
  for (const n of model?.nodes ?? []) if (!out.has(n.name)) out.set(n.name, n);
  return out;
}

export function signatureHelp(a: Analysis, offset: number): SignatureHelp | null {
  const call = callAt(a, offset);
  const c = call && callableIn(a, call.callee);
  if (!call || !c) return null;
  const byName = call.named ? c.params.findIndex((p) => p.name === call.named) : -1;
  const positional = c.params.filter((p) => p.positional);
  const active = byName >= 0 ? byName : call.argIndex < positional.length ? c.params.indexOf(positional[call.argIndex]!) : -1;
  return {
    signatures: [{ label: signatureLabel(c), documentation: { kind: MarkupKind.Markdown, value: c.doc }, parameters: c.params.map((p) => ({ label: p.label, documentation: p.doc })) }],
    activeSignature: 0,
    activeParameter: active >= 0 ? active : undefined,
  };
}

export function definition(a: Analysis, offset: number): Location | null {
  const at = (path: string, span: Span): Location => ({ uri: uriOf(path), range: range(docFor(a, path), span) });
  const decl = declAt(a, offset);
  if (decl?.kind === 'import' && within(decl.target.span, offset)) {
    const wanted = importedPath(a, decl);
    const target = wanted === undefined ? undefined : [...a.result.modules.values()].find((m) => resolve(m.path) === resolve(wanted));
    return target ? at(target.path, { start: 0, end: 0 }) : null;
  }
  const w = wordAt(a, offset);
  if (!w) return null;
  // A binding or input of the model the cursor is in.
  if (decl?.kind === 'model') {
    for (const s of decl.body) {
      if ((s.kind === 'input' || s.kind === 'bind') && s.name.name === w.name && a.tokens[w.index - 1]?.image !== '.') return at(a.path, s.name.span);
    }
    const p = decl.params.find((x) => x.name.name === w.name);
    if (p) return at(a.path, p.name.span);
  }
  // `alias.Name`: the member of an imported module.
  const prev = a.tokens[w.index - 1], owner = a.tokens[w.index - 2];
  if (prev?.image === '.' && owner) {
    const sym = a.module.scope.get(owner.image);
    if (sym?.kind === 'module' && sym.module !== 'builtin') {
      const member = sym.module.scope.get(w.name);
      if (member?.kind === 'decl') return at(member.module.path, member.decl.name.span);
    }
    return null;
  }
  const sym = a.module.scope.get(w.name);
  if (sym?.kind === 'decl') return at(sym.module.path, sym.decl.name.span);
  if (sym?.kind === 'module' && sym.module !== 'builtin') return at(sym.module.path, { start: 0, end: 0 });
  return null;
}

/** The absolute path of the file an import names (std modules where the host keeps them). */
function importedPath(a: Analysis, decl: Extract<Decl, { kind: 'import' }>): string | undefined {
  const t = decl.target;
  return t.kind === 'std' ? a.host.stdModulePath(t.path) : resolve(dirname(a.path), t.path);
}

export function documentSymbols(a: Analysis): DocumentSymbol[] {
  const sym = (name: string, kind: SymbolKind, span: Span, sel: Span, detail?: string, children?: DocumentSymbol[]): DocumentSymbol =>
    ({ name, kind, range: range(a.doc, span), selectionRange: range(a.doc, sel), detail, children });
  const out: DocumentSymbol[] = [];
  for (const d of a.module.ast.decls) {
    if (d.kind === 'model') {
      const byName = nodesByName(a.result.modelsByDecl.get(d));
      const children = d.body.flatMap((s) => {
        if (s.kind !== 'input' && s.kind !== 'bind') return [];
        const n = byName.get(s.name.name);
        return [sym(s.name.name, s.kind === 'input' ? SymbolKind.Field : SymbolKind.Variable, s.span, s.name.span, n && formatShape(n.shape))];
      });
      out.push(sym(d.name.name, SymbolKind.Class, d.span, d.name.span, 'model', children));
    } else if (d.kind === 'data' || d.kind === 'let') out.push(sym(d.name.name, d.kind === 'data' ? SymbolKind.Variable : SymbolKind.Constant, d.span, d.name.span, d.kind));
    else if (d.kind === 'task') out.push(sym(d.subject?.name ?? d.taskKind.name, SymbolKind.Event, d.span, d.subject?.span ?? d.taskKind.span, d.taskKind.name));
    else if (d.kind === 'import') out.push(sym(d.target.kind === 'std' ? d.target.path.join('.') : d.target.path, SymbolKind.Module, d.span, d.target.span, 'import'));
  }
  return out;
}
