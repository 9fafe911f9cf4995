// Source text → AST plus syntax errors. Errors are plain data; the compiler gives them codes.
import type { CstNode, IToken } from 'chevrotain';
import type { Program, Span } from './ast.js';
import { astBuilder, attachDocs } from './cst-to-ast.js';
import { MAX_SYNTAX_ERRORS, nnParser } from './parser.js';
import { nnLexer, LParen, LSquare, LCurly, RParen, RSquare, RCurly } from './tokens.js';

export type SyntaxErrorKind = 'lex' | 'parse' | 'depth';
/** `unclosed`: for a missing closing bracket, the bracket left open. */
export interface SyntaxProblem { kind: SyntaxErrorKind; message: string; span: Span; unclosed?: { span: Span } }
export interface ParseResult { program: Program; errors: SyntaxProblem[] }

/** Brackets nested deeper than this are refused before parsing: a recursive-descent parser
 *  would otherwise overflow the stack on adversarial input. */
export const MAX_NESTING = 100;

export function parse(text: string): ParseResult {
  const lexed = nnLexer.tokenize(text);
  const errors: SyntaxProblem[] = lexed.errors.map((e) => ({
    kind: 'lex',
    message: JSON.stringify(text.slice(e.offset, e.offset + 1)),
    span: { start: e.offset, end: e.offset + Math.max(1, Math.min(e.length, 1)) },
  }));
  const whole: Span = { start: 0, end: text.length };
  const tooDeep = findTooDeep(lexed.tokens);
  if (tooDeep) {
    errors.push({ kind: 'depth', message: `brackets nested more than ${MAX_NESTING} deep`, span: { start: tooDeep.startOffset, end: tooDeep.startOffset + 1 } });
    return { program: { decls: [], span: whole }, errors };
  }
  nnParser.input = lexed.tokens;
  const cst = parseTokens();
  if (!cst) {
    const at = nnParser.errors[0]?.token.startOffset;
    const start = Number.isFinite(at) ? (at as number) : 0;
    errors.push({ kind: 'parse', message: 'too many syntax errors in a row to recover from: fix the first ones', span: { start, end: start + 1 } });
    return { program: { decls: [], span: whole }, errors };
  }
  for (const e of nnParser.errors) {
    const t = e.token;
    const start = Number.isFinite(t.startOffset) ? t.startOffset : prevTokenEnd((e as { previousToken?: IToken }).previousToken, text);
    const end = Number.isFinite(t.endOffset) ? (t.endOffset as number) + 1 : start;
    const opener = unclosedOpener(lexed.tokens, e.message, start);
    const unclosed = opener ? { span: { start: opener.startOffset, end: opener.startOffset + 1 } } : undefined;
    errors.push({ kind: 'parse', message: humanise(e.message), span: { start, end: Math.max(end, start) }, unclosed });
  }
  const stopped = nnParser.stoppedAt;
  if (stopped) {
    const start = Number.isFinite(stopped.startOffset) ? stopped.startOffset : text.length;
    errors.push({ kind: 'parse', message: `more than ${MAX_SYNTAX_ERRORS} syntax errors: the rest of the file is not checked`, span: { start, end: start + 1 } });
  }
  const program: Program = astBuilder.visit(cst) ?? { decls: [], span: whole };
  attachDocs(program.decls, (lexed.groups.docs ?? []) as IToken[]);
  return { program: { ...program, span: whole }, errors };
}

/** The CST of `nnParser.input`, or undefined where error recovery ran out of stack: chevrotain
 *  recovers within a separated list recursively, one level per failed item. Recognition errors
 *  are exceptions that recovery catches, one per syntax error; their stack traces are never
 *  read, and capturing them was most of the time spent on inputs full of errors. */
function parseTokens(): CstNode | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return nnParser.program();
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function prevTokenEnd(prev: IToken | undefined, text: string): number {
  if (prev && Number.isFinite(prev.endOffset)) return (prev.endOffset as number) + 1;
  return text.length;
}

const CLOSER_OF = new Map([[LParen, RParen], [LSquare, RSquare], [LCurly, RCurly]]);

/** For "expected ']'" (or ')' or '}'): the innermost bracket still open before `at`, when it is
 *  the kind the parser wanted closed (rustc's "unclosed delimiter"); the error itself points at
 *  the token after, often on the next line. */
function unclosedOpener(tokens: IToken[], message: string, at: number): IToken | undefined {
  const wanted = /Expecting token of type --> (RParen|RSquare|RCurly) <--/.exec(message)?.[1];
  if (!wanted) return undefined;
  const open: IToken[] = [];
  for (const t of tokens) {
    if (t.startOffset >= at) break;
    if (CLOSER_OF.has(t.tokenType)) open.push(t);
    else if ([...CLOSER_OF.values()].includes(t.tokenType)) open.pop();
  }
  const last = open[open.length - 1];
  return last && CLOSER_OF.get(last.tokenType)!.name === wanted ? last : undefined;
}

function findTooDeep(tokens: IToken[]): IToken | undefined {
  let depth = 0;
  for (const t of tokens) {
    const tt = t.tokenType;
    if (tt === LParen || tt === LSquare || tt === LCurly) {
      if (++depth > MAX_NESTING) return t;
    } else if (tt === RParen || tt === RSquare || tt === RCurly) depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/** chevrotain's messages name token types (`--> 'RParen' <--`); say what a user typed instead. */
const TOKEN_TEXT: Record<string, string> = {
  LCurly: "'{'", RCurly: "'}'", LParen: "'('", RParen: "')'", LSquare: "'['", RSquare: "']'", Comma: "','", Colon: "':'",
  Equals: "'='", Arrow: "'->'", Plus: "'+'", Minus: "'-'", Star: "'*'", Slash: "'/'", Dot: "'.'", Question: "'?'",
  Identifier: 'a name', NumberLiteral: 'a number', StringLiteral: 'a string', EOF: 'end of file',
};

function humanise(message: string): string {
  const found = /but found:? (?:--> )?'([^']*)'/.exec(message)?.[1];
  const expectedOne = /Expecting token of type --> (\w+) <--/.exec(message)?.[1];
  const foundText = found === undefined || found === '' ? 'end of file' : `'${found}'`;
  if (expectedOne) return `expected ${TOKEN_TEXT[expectedOne] ?? `'${expectedOne.toLowerCase()}'`}, found ${foundText}`;
  if (/Expecting: one of these possible Token sequences|Expecting: expecting at least one/.test(message)) {
    return `unexpected ${foundText}`;
  }
  if (/Redundant input, expecting EOF/.test(message)) return `unexpected ${foundText}: expected a declaration (import, let, model, data or a task)`;
  return message.split('\n')[0]!;
}
