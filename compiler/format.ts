// `nnc fmt` and the LSP's formatting: canonical layout from the token stream. The user's
// line breaks are kept (at most one blank line in a row); indentation becomes two spaces
// per open bracket, plus one level for a line that continues a pipe (`-> layer`); spacing
// inside a line follows fixed rules. Comments are kept where they were. Working on tokens
// rather than the AST is what keeps every comment: the AST has no place for them.
import type { IToken } from 'chevrotain';
import { parse } from '../grammar/parse.js';
import { nnLexer } from '../grammar/tokens.js';

interface Piece {
  text: string;
  start: number;
  /** Line breaks between the previous piece and this one. */
  breaks: number;
  type: string;
}

const OPEN = new Set(['(', '[', '{']);
const CLOSE = new Set([')', ']', '}']);
const WORD = /^[A-Za-z_0-9"]/;
/** After these a `-` is a sign, not subtraction. */
const BEFORE_SIGN = new Set(['(', '[', '{', ',', ':', '=', '->', '+', '-', '*', '/']);

/** The comments in a stretch of source between two tokens (nothing else but whitespace is there). */
function commentsIn(gap: string, offset: number): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  const re = /\/\/[^\n\r]*|\/\*[\s\S]*?\*\//g;
  for (let m = re.exec(gap); m; m = re.exec(gap)) out.push({ text: m[0].replace(/[ \t]+$/, ''), start: offset + m.index });
  return out;
}

function pieces(text: string): Piece[] {
  const lexed = nnLexer.tokenize(text);
  const tokens = [...lexed.tokens, ...((lexed.groups['docs'] ?? []) as IToken[])].sort((a, b) => a.startOffset - b.startOffset);
  const out: Piece[] = [];
  let end = 0;
  const push = (t: string, start: number, type: string) => {
    let breaks = 0;
    for (let i = end; i < start; i++) if (text.charCodeAt(i) === 10) breaks++;
    out.push({ text: t, start, breaks, type });
    end = start + t.length;
  };
  for (const t of tokens) {
    for (const c of commentsIn(text.slice(end, t.startOffset), end)) push(c.text, c.start, 'Comment');
    push(t.tokenType.name === 'DocComment' ? t.image.replace(/[ \t]+$/, '') : t.image, t.startOffset, t.tokenType.name);
  }
  for (const c of commentsIn(text.slice(end), end)) push(c.text, c.start, 'Comment');
  return out;
}

function spaceBetween(prev: Piece, cur: Piece, prevIsSign: boolean): boolean {
  if (prevIsSign) return false;
  if (prev.text === '(' || prev.text === '[' || prev.text === '.') return false;
  if (cur.text === ')' || cur.text === ']' || cur.text === ',' || cur.text === ':' || cur.text === '.') return false;
  // A call or a typed shape: `dense(`, `int32[`, `f(x)(y)`.
  if ((cur.text === '(' || cur.text === '[') && (WORD.test(prev.text) && prev.type !== 'Comment' && !KEYWORD_BEFORE_BRACKET.has(prev.text) || prev.text === ')')) return false;
  return true;
}

/** Keywords: a bracket after one of them opens an expression, not a call's arguments. */
const KEYWORD_BEFORE_BRACKET = new Set(['on', 'model', 'data', 'let', 'import', 'as', 'input', 'output']);

/** The canonical text of `text`, or undefined when it does not parse (nothing to lay out).
 *  `parses`: the caller knows it does (the language server's check said so), so the parse,
 *  most of the time on a large file, is skipped. */
export function formatSource(text: string, parses = false): string | undefined {
  if (!parses && parse(text).errors.length) return undefined;
  const all = pieces(text);
  let out = '';
  let depth = 0;
  let prev: Piece | undefined;
  let prevIsSign = false;
  for (const p of all) {
    if (CLOSE.has(p.text)) depth = Math.max(0, depth - 1);
    if (!prev) out += p.text;
    else if (p.breaks > 0) {
      const continuing = p.text === '->' || prev.text === '->' || prev.text === '=';
      out += '\n'.repeat(Math.min(p.breaks, 2)) + '  '.repeat(depth + (continuing && !CLOSE.has(p.text) ? 1 : 0)) + p.text;
    } else out += (spaceBetween(prev, p, prevIsSign) ? ' ' : '') + p.text;
    prevIsSign = p.text === '-' && (!prev || BEFORE_SIGN.has(prev.text) || KEYWORD_BEFORE_BRACKET.has(prev.text));
    if (OPEN.has(p.text)) depth++;
    if (p.type !== 'Comment') prev = p;
    else prev = { ...p, text: p.text.startsWith('//') ? '//' : p.text };
  }
  return out.length ? out + '\n' : '';
}

/** Every token and comment of a text in order, without layout: formatting must not change it. */
export function contentOf(text: string): string[] {
  return pieces(text).map((p) => p.text);
}
