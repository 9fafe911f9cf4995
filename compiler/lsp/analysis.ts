// One checked document for the editor features: the checker's result plus the token stream
// and helpers that find what the cursor is on. Pure: no I/O beyond the host's reads.
import type { IToken } from 'chevrotain';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Decl, Span } from '../../grammar/ast.js';
import { nnLexer } from '../../grammar/tokens.js';
import { check, type CheckResult } from '../check/checker.js';
import type { SourceModule } from '../check/context.js';
import type { CompilerHost } from '../check/loader.js';
import type { IRNode, ModelIR } from '../ir.js';

/** file: URIs for paths; other schemes (untitled:) are kept as they are. */
export const uriOf = (path: string) => (/^[a-z][a-z0-9+.-]+:/i.test(path) && !/^[a-z]:[\\/]/i.test(path) ? path : pathToFileURL(resolve(path)).href);

/** The document of a loaded module: the analysed one, or an import / std module's text. */
export function docFor(a: Analysis, path: string): TextDocument {
  return path === a.path ? a.doc : TextDocument.create(uriOf(path), 'nn', 0, a.result.sources.get(path) ?? '');
}

export interface Analysis {
  path: string;
  doc: TextDocument;
  result: CheckResult;
  module: SourceModule;
  /** The host the document was checked with; features read std modules through it. */
  host: CompilerHost;
  readonly tokens: IToken[];
}

export function analyse(path: string, doc: TextDocument, host: CompilerHost): Analysis {
  const text = doc.getText();
  const result = check(path, host, text);
  let tokens: IToken[] | undefined;
  // Lexed again only when a feature asks: publishing diagnostics does not need it.
  return { path, doc, result, module: result.modules.get(path)!, host, get tokens() { return (tokens ??= nnLexer.tokenize(text).tokens); } };
}

export interface Word { name: string; start: number; end: number; index: number }

/** The word (identifier or keyword) under the cursor, or just before it. */
export function wordAt(a: Analysis, offset: number): Word | undefined {
  const i = a.tokens.findIndex((t) => t.startOffset <= offset && offset <= (t.endOffset ?? t.startOffset) + 1);
  const t = a.tokens[i];
  if (!t || !/^[A-Za-z_]/.test(t.image)) return undefined;
  return { name: t.image, start: t.startOffset, end: t.startOffset + t.image.length, index: i };
}

export const within = (s: Span, offset: number) => s.start <= offset && offset <= s.end;

/** The top-level declaration the offset is in. */
export function declAt(a: Analysis, offset: number): Decl | undefined {
  // Declarations are in source order and do not overlap: the last one starting at or before
  // the offset is the only candidate (a scan per diagnostic was quadratic in quick fixes).
  const decls = a.module.ast.decls;
  let lo = 0, hi = decls.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (decls[mid]!.span.start <= offset) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  // Spans that touch (`}` then the next `model` with no gap) share an offset: the first wins.
  const before = decls[found - 1];
  if (before && within(before.span, offset)) return before;
  const d = decls[found];
  return d && within(d.span, offset) ? d : undefined;
}

/** The checked IR of a model declaration (default arguments); for a model with an error,
 *  the nodes that checked before it, so hints and hovers still work above the error. */
export function modelOf(a: Analysis, decl: Decl | undefined): ModelIR | undefined {
  return decl?.kind === 'model' ? a.result.modelsByDecl.get(decl) ?? a.result.partialModels.get(decl) : undefined;
}

/** The innermost layer node whose source span holds the offset. */
export function nodeAt(model: ModelIR, offset: number): IRNode | undefined {
  let best: IRNode | undefined;
  for (const n of model.nodes) {
    if (n.op !== 'layer' || !within(n.span, offset)) continue;
    if (!best || n.span.end - n.span.start <= best.span.end - best.span.start) best = n;
  }
  return best;
}

export interface CallSite {
  callee: string;
  /** Offset of the callee's name. */
  calleeStart: number;
  /** Index of the argument the cursor is in, and its name if it is written `name: ...`. */
  argIndex: number;
  named?: string;
  /** Names already given. */
  given: Set<string>;
}

/** The call whose parentheses hold the offset: `dense(4, activation: |)`. */
export function callAt(a: Analysis, offset: number): CallSite | undefined {
  let depth = 0;
  let argIndex = 0;
  let named: string | undefined;
  const given = new Set<string>();
  let i = a.tokens.length - 1;
  while (i >= 0 && a.tokens[i]!.startOffset >= offset) i--;
  for (; i >= 0; i--) {
    const t = a.tokens[i]!.image;
    if (t === ')' || t === ']' || t === '}') depth++;
    else if (t === '(' || t === '[' || t === '{') {
      if (depth === 0) {
        const callee = a.tokens[i - 1];
        if (t !== '(' || !callee || !/^[A-Za-z_]/.test(callee.image)) return undefined;
        return { callee: callee.image, calleeStart: callee.startOffset, argIndex, named, given };
      }
      depth--;
    } else if (depth === 0 && t === ',') argIndex++;
    else if (depth === 0 && t === ':' && i > 0) {
      const name = a.tokens[i - 1]!.image;
      given.add(name);
      if (argIndex === 0 && named === undefined) named = name;
    }
  }
  return undefined;
}

/** Tokens of the document that are `name`, in order. */
export function occurrences(a: Analysis, name: string, span?: Span): IToken[] {
  return a.tokens.filter((t) => t.image === name && (!span || within(span, t.startOffset)));
}
