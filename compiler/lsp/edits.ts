// Editor features that propose edits (the client applies them; the server writes nothing):
// rename of models, data, lets and bindings; quick fixes; whole-document formatting.
import { CodeActionKind, type CodeAction, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { Decl, Expr, ModelStmt, Span } from '../../grammar/ast.js';
import { KEYWORDS } from '../../grammar/tokens.js';
import { isEditorError, type Diagnostic } from '../diagnostics.js';
import { formatSource } from '../format.js';
import { LAYERS } from '../layers/index.js';
import { declAt, docFor, within, wordAt, type Analysis } from './analysis.js';

const RESERVED = new Set(KEYWORDS);

const range = (a: Analysis, s: Span): Range => ({ start: a.doc.positionAt(s.start), end: a.doc.positionAt(s.end) });

/** The declaration a name at the cursor refers to: a binding/input/parameter of the model it
 *  is in, or a model, data or let of this file. */
interface RenameTarget { name: string; span: Span; local?: Extract<Decl, { kind: 'model' }> }

function localNames(d: Extract<Decl, { kind: 'model' }>): Set<string> {
  return new Set([...d.params.map((p) => p.name.name), ...d.body.flatMap((s) => (s.kind === 'input' || s.kind === 'bind' ? [s.name.name] : []))]);
}

export function renameTarget(a: Analysis, offset: number): RenameTarget | undefined {
  const w = wordAt(a, offset);
  if (!w || RESERVED.has(w.name) || isLabel(a, w.index) || a.tokens[w.index - 1]?.image === '.') return undefined;
  const decl = declAt(a, offset);
  if (decl?.kind === 'model' && localNames(decl).has(w.name)) return { name: w.name, span: w, local: decl };
  const sym = a.module.scope.get(w.name);
  if (sym?.kind === 'decl' && sym.module.path === a.path) return { name: w.name, span: w };
  return undefined;
}

/** `name:` as an argument or field label (`dense(4, activation: relu)`, `epochs: 3`), not
 *  `input x: [...]` nor a model parameter `units: Int`. */
function isLabel(a: Analysis, index: number): boolean {
  if (a.tokens[index + 1]?.image !== ':') return false;
  const before = a.tokens[index - 1]?.image;
  if (before === 'input') return false;
  // A model parameter: `model M(units: Int = 3)` — the parenthesis follows the model name.
  let depth = 0;
  for (let i = index - 1; i >= 0; i--) {
    const t = a.tokens[i]!.image;
    if (t === ')' || t === ']' || t === '}') depth++;
    else if (t === '(' || t === '[' || t === '{') {
      if (depth-- === 0) return !(t === '(' && a.tokens[i - 2]?.image === 'model');
    }
  }
  return false;
}

export function rename(a: Analysis, offset: number, newName: string): WorkspaceEdit | null {
  const target = renameTarget(a, offset);
  if (!target) return null;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName) || RESERVED.has(newName)) throw new Error(`'${newName}' is not a valid name`);
  const shadowing = a.module.ast.decls.filter((d): d is Extract<Decl, { kind: 'model' }> => d.kind === 'model' && localNames(d).has(target.name));
  const edits: TextEdit[] = [];
  a.tokens.forEach((t, i) => {
    if (t.image !== target.name || isLabel(a, i) || a.tokens[i - 1]?.image === '.') return;
    if (target.local ? !within(target.local.span, t.startOffset) : shadowing.some((d) => within(d.span, t.startOffset))) return;
    edits.push({ range: range(a, { start: t.startOffset, end: t.startOffset + t.image.length }), newText: newName });
  });
  return { changes: { [a.doc.uri]: edits } };
}

export function format(a: Analysis): TextEdit[] {
  const text = a.doc.getText();
  // The check knows whether the file parses, unless its diagnostics were cut short (E0103).
  const syntax = new Set(a.result.diagnostics.filter((d) => d.file === a.path && d.code.startsWith('E01')).map((d) => d.code));
  if (syntax.size && !(syntax.size === 1 && syntax.has('E0103'))) return [];
  const formatted = formatSource(text, syntax.size === 0);
  if (formatted === undefined || formatted === text) return [];
  return [{ range: range(a, { start: 0, end: text.length }), newText: formatted }];
}

/** Quick fixes for the checker's diagnostics in `r`: "did you mean", a recurrent layer that
 *  must return sequences for the next one, and flatten before a dense layer given images. */
export function quickFixes(a: Analysis, r: Range): CodeAction[] {
  const start = a.doc.offsetAt(r.start), end = a.doc.offsetAt(r.end);
  const out: CodeAction[] = [];
  for (const d of a.result.diagnostics) {
    if (d.file !== a.path || d.span.end < start || d.span.start > end) continue;
    const fix = (title: string, edit: TextEdit) => out.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [lspDiagnostic(a, d)], edit: { changes: { [a.doc.uri]: [edit] } }, isPreferred: true });
    const guess = d.help?.match(/did you mean '([^']+)'\?/)?.[1];
    if (guess) fix(`Change to '${guess}'`, { range: range(a, d.span), newText: guess });
    const decl = declAt(a, d.span.start);
    if (d.code === 'E0302' && decl?.kind === 'model') {
      // From the source: a model with an error has no checked IR.
      const i = decl.body.findIndex((s) => within(s.span, d.span.start));
      const here = recurrentCall(decl.body[i]), before = recurrentCall(decl.body[i - 1]);
      if (here && before && !before.args.some((x) => x.name?.name === 'return_sequences')) {
        const close = before.span.end - 1;
        fix(`Make ${before.callee.kind === 'name' ? before.callee.name : 'the layer before'} return sequences`, { range: range(a, { start: close, end: close }), newText: ', return_sequences: true' });
      }
    }
    if (d.code === 'E0404' || d.code === 'E0405') {
      const task = declAt(a, d.span.start);
      const trained = task?.kind === 'task' && task.subject ? a.module.scope.get(task.subject.name) : undefined;
      const ir = trained?.kind === 'decl' && trained.module.path === a.path ? a.result.modelsByDecl.get(trained.decl) : undefined;
      const dense = ir?.nodes.find((n) => n.layer === 'dense' && (ir.nodes[n.inputs[0] ?? -1]?.shape.dims.length ?? 0) > 2);
      if (dense) {
        const lineStart = a.doc.getText().lastIndexOf('\n', dense.span.start) + 1;
        const indent = a.doc.getText().slice(lineStart, dense.span.start);
        if (/^\s*$/.test(indent)) fix(`Insert flatten before ${dense.name}`, { range: range(a, { start: lineStart, end: lineStart }), newText: `${indent}flatten\n` });
      }
    }
  }
  return out;
}

/** The recurrent layer call a model line applies (`lstm(8)`, or the last stage of a pipe). */
function recurrentCall(s: ModelStmt | undefined): Extract<Expr, { kind: 'call' }> | undefined {
  if (!s || (s.kind !== 'flow' && s.kind !== 'bind')) return undefined;
  const e = s.value.kind === 'pipe' ? s.value.stages[s.value.stages.length - 1]! : s.value;
  return e.kind === 'call' && e.callee.kind === 'name' && LAYERS.get(e.callee.name)?.recurrent ? e : undefined;
}

export function lspDiagnostic(a: Analysis, d: Diagnostic) {
  return {
    range: range(a, d.span),
    severity: isEditorError(d.code) ? 1 : 2,
    code: d.code,
    source: 'nnc',
    message: d.message + (d.help ? `\nhelp: ${d.help}` : ''),
    relatedInformation: d.labels.map((l) => {
      const doc = docFor(a, l.file ?? d.file);
      return { location: { uri: doc.uri, range: { start: doc.positionAt(l.span.start), end: doc.positionAt(l.span.end) } }, message: l.message };
    }),
  } as const;
}
