// The one CST→AST visitor. Children may be missing where chevrotain's error recovery
// re-synced; such places become `error` nodes (the parse error is already reported).
import type { CstNode, IToken } from 'chevrotain';
import { nnParser } from './parser.js';
import type {
  Arg, BinaryOp, BinaryTail, Decl, Expr, Field, Ident, ImportTarget, ModelStmt, OutputItem, Param, Program, ShapeType, Span,
} from './ast.js';

type Children = Record<string, (CstNode | IToken)[] | undefined>;

const BaseVisitor = nnParser.getBaseCstVisitorConstructor();

function tokenSpan(t: IToken): Span {
  const start = Number.isFinite(t.startOffset) ? t.startOffset : 0;
  const end = Number.isFinite(t.endOffset) ? (t.endOffset as number) + 1 : start;
  return { start, end };
}

function nodeSpan(n: CstNode): Span {
  const loc = n.location;
  if (!loc || !Number.isFinite(loc.startOffset)) return { start: 0, end: 0 };
  const end = Number.isFinite(loc.endOffset) ? (loc.endOffset as number) + 1 : loc.startOffset;
  return { start: loc.startOffset, end };
}

function tok(c: Children, key: string, i = 0): IToken | undefined {
  const t = c[key]?.[i] as IToken | undefined;
  return t && !t.isInsertedInRecovery ? t : undefined;
}
function node(c: Children, key: string, i = 0): CstNode | undefined {
  return c[key]?.[i] as CstNode | undefined;
}
function nodes(c: Children, key: string): CstNode[] {
  return (c[key] ?? []) as CstNode[];
}
function tokens(c: Children, key: string): IToken[] {
  return ((c[key] ?? []) as IToken[]).filter((t) => !t.isInsertedInRecovery);
}
function ident(t: IToken | undefined, fallback: Span): Ident {
  return t ? { name: t.image, span: tokenSpan(t) } : { name: '', span: fallback };
}

/** Attaches each run of `///` comments to the declaration that follows it. */
export function attachDocs(decls: Decl[], docTokens: IToken[]): void {
  let di = 0;
  let prevEnd = 0;
  for (const decl of decls) {
    const lines: string[] = [];
    while (di < docTokens.length && docTokens[di]!.startOffset < decl.span.start) {
      const t = docTokens[di++]!;
      if (t.startOffset >= prevEnd) lines.push(t.image.replace(/^\/\/\/ ?/, ''));
    }
    if (lines.length) decl.doc = lines.join('\n');
    prevEnd = decl.span.end;
  }
}

class AstBuilder extends BaseVisitor {
  constructor() {
    super();
    this.validateVisitor();
  }

  program(c: Children, span: Span): Program {
    return { decls: this.visitAll<Decl>(nodes(c, 'decl')), span };
  }

  decl(c: Children): Decl | undefined {
    for (const key in c) {
      const child = c[key]?.[0] as CstNode | undefined;
      if (child) return this.visit(child) as Decl;
    }
    return undefined;
  }

  importDecl(c: Children, span: Span): Decl | undefined {
    const file = tok(c, 'file');
    const path = tokens(c, 'path');
    let target: ImportTarget;
    if (file) target = { kind: 'file', path: unquote(file.image), span: tokenSpan(file) };
    else if (path.length) target = { kind: 'std', path: path.map((t) => t.image), span: { start: tokenSpan(path[0]!).start, end: tokenSpan(path[path.length - 1]!).end } };
    else return undefined;
    const alias = tok(c, 'alias');
    return { kind: 'import', target, alias: alias ? ident(alias, span) : undefined, span };
  }

  letDecl(c: Children, span: Span): Decl {
    return { kind: 'let', name: ident(tok(c, 'name'), span), value: this.exprOf(c, 'value', span), span };
  }

  dataDecl(c: Children, span: Span): Decl {
    return { kind: 'data', name: ident(tok(c, 'name'), span), value: this.exprOf(c, 'value', span), span };
  }

  modelDecl(c: Children, span: Span): Decl {
    return {
      kind: 'model',
      name: ident(tok(c, 'name'), span),
      params: nodes(c, 'param').map((p) => this.visit(p) as Param),
      body: this.visitAll<ModelStmt>(nodes(c, 'modelStmt')),
      span,
    };
  }

  param(c: Children, span: Span): Param {
    const d = node(c, 'default');
    return { name: ident(tok(c, 'name'), span), type: ident(tok(c, 'type'), span), default: d ? this.visit(d) : undefined, span };
  }

  modelStmt(c: Children, span: Span): ModelStmt | undefined {
    const input = node(c, 'inputStmt'), output = node(c, 'outputStmt'), bind = node(c, 'bindStmt'), flow = node(c, 'flow');
    if (input) return this.visit(input);
    if (output) return this.visit(output);
    if (bind) return this.visit(bind);
    if (flow) return { kind: 'flow', value: this.visit(flow), span };
    return undefined;
  }

  inputStmt(c: Children, span: Span): ModelStmt {
    const shapeNode = node(c, 'shapeType');
    const shape: ShapeType = shapeNode ? this.visit(shapeNode) : { dims: [], span };
    return { kind: 'input', name: ident(tok(c, 'name'), span), shape, span };
  }

  shapeType(c: Children, span: Span): ShapeType {
    const dtype = tok(c, 'dtype');
    return { dtype: dtype ? ident(dtype, span) : undefined, dims: nodes(c, 'dims').map((d) => this.visit(d) as Expr), span };
  }

  outputStmt(c: Children, span: Span): ModelStmt {
    return { kind: 'output', outputs: nodes(c, 'outputItem').map((o) => this.visit(o) as OutputItem), span };
  }

  outputItem(c: Children, span: Span): OutputItem {
    const name = tok(c, 'name');
    return { name: name ? ident(name, span) : undefined, value: this.exprOf(c, 'value', span), span };
  }

  bindStmt(c: Children, span: Span): ModelStmt {
    return { kind: 'bind', name: ident(tok(c, 'name'), span), value: this.exprOf(c, 'value', span), span };
  }

  taskDecl(c: Children, span: Span): Decl {
    const subject = tok(c, 'subject');
    const on = node(c, 'on');
    const block = node(c, 'fieldBlock');
    return {
      kind: 'task',
      taskKind: ident(tok(c, 'kind'), span),
      subject: subject ? ident(subject, span) : undefined,
      on: on ? this.visit(on) : undefined,
      fields: block ? (this.visit(block) as Field[]) : [],
      span,
    };
  }

  fieldBlock(c: Children): Field[] {
    return nodes(c, 'field').map((f) => this.visit(f) as Field);
  }

  field(c: Children, span: Span): Field {
    return { name: ident(tok(c, 'name'), span), value: this.exprOf(c, 'value', span), span };
  }

  /** Precedence: `->` binds loosest, then `+ -`, then `* /`; all left-associative. */
  expr(c: Children, span: Span): Expr {
    const operandNodes = nodes(c, 'operands');
    if (operandNodes.length === 0) return { kind: 'error', span };
    if (operandNodes.length === 1) return this.visit(operandNodes[0]!) as Expr; // most expressions
    const operands = operandNodes.map((o) => this.visit(o) as Expr);
    const ops = (c.ops ?? []) as IToken[];
    const stages: Expr[] = [];
    let terms: { op?: IToken; e: Expr }[] = [];
    let factors: { op?: IToken; e: Expr }[] = [];
    const closeTerm = () => terms.push({ op: factors[0]!.op, e: binary(factors.map((f, i) => ({ op: i ? f.op : undefined, e: f.e }))) });
    const closeStage = () => {
      closeTerm();
      stages.push(binary(terms));
      terms = [];
    };
    operands.forEach((e, i) => {
      const op = i ? ops[i - 1] : undefined;
      const image = op?.image;
      if (image === '*' || image === '/') factors.push({ op, e });
      else {
        if (factors.length) {
          if (image === '->') closeStage();
          else closeTerm();
        }
        factors = [{ op: image === '->' ? undefined : op, e }];
      }
    });
    closeStage();
    return stages.length === 1 ? stages[0]! : { kind: 'pipe', stages, span };
  }

  operand(c: Children, span: Span): Expr {
    let e = this.primaryOf(c);
    for (const s of nodes(c, 'suffixes')) {
      const sspan = nodeSpan(s);
      const whole = { start: e.span.start, end: Math.max(sspan.end, e.span.end) };
      if (s.name === 'callSuffix') {
        e = { kind: 'call', callee: e, args: nodes(s.children, 'arg').map((a) => this.visit(a) as Arg), span: whole };
      } else {
        const nameTok = tok(s.children, 'name');
        if (!nameTok) return { kind: 'error', span: whole };
        e = { kind: 'member', object: e, member: ident(nameTok, sspan), span: whole };
      }
    }
    if (!c.minus) return e;
    const minus = tokens(c, 'minus');
    for (let i = minus.length - 1; i >= 0; i--) e = { kind: 'negate', operand: e, span: { start: tokenSpan(minus[i]!).start, end: span.end } };
    return e;
  }

  callSuffix(): undefined { return undefined; }
  memberSuffix(): undefined { return undefined; }

  arg(c: Children, span: Span): Arg {
    const name = tok(c, 'name');
    return { name: name ? ident(name, span) : undefined, value: this.exprOf(c, 'value', span), span };
  }

  /** The operand's primary (inlined in the operand rule): a token or a bracketed expression. */
  private primaryOf(c: Children): Expr {
    for (const key in c) {
      if (key === 'minus' || key === 'suffixes') continue;
      const child = c[key]![0]!;
      if ('children' in child) return this.visit(child);
      const span = tokenSpan(child);
      if (child.isInsertedInRecovery) return { kind: 'error', span };
      switch (key) {
        case 'Identifier': return { kind: 'name', name: child.image, span };
        case 'NumberLiteral': return { kind: 'number', value: Number(child.image), isInt: /^\d+$/.test(child.image), span };
        case 'StringLiteral': return { kind: 'string', value: unquote(child.image), span };
        case 'True': return { kind: 'bool', value: true, span };
        case 'False': return { kind: 'bool', value: false, span };
        case 'Question': return { kind: 'unknownDim', span };
      }
    }
    // Recovery left no primary: an error node with no place, as when the primary was a rule of its own.
    return { kind: 'error', span: { start: 0, end: 0 } };
  }

  parenExpr(c: Children, span: Span): Expr {
    const e = node(c, 'expr');
    return e ? this.visit(e) : { kind: 'error', span };
  }

  listExpr(c: Children, span: Span): Expr {
    return { kind: 'list', items: nodes(c, 'items').map((i) => this.visit(i) as Expr), span };
  }

  mapExpr(c: Children, span: Span): Expr {
    const block = node(c, 'fieldBlock');
    return { kind: 'map', entries: block ? (this.visit(block) as Field[]) : [], span };
  }

  /** The AST of each node, leaving out those recovery left empty. */
  private visitAll<T>(ns: CstNode[]): T[] {
    const out: T[] = [];
    for (const n of ns) {
      const v = this.visit(n) as T | undefined;
      if (v) out.push(v);
    }
    return out;
  }

  private exprOf(c: Children, key: string, span: Span): Expr {
    const n = node(c, key);
    return n ? this.visit(n) : { kind: 'error', span };
  }

  // chevrotain calls visit(node) → this[node.name](node.children, param); pass the span.
  override visit(n: CstNode | CstNode[]): any { // eslint-disable-line @typescript-eslint/no-explicit-any -- chevrotain's visitor is untyped
    const one = Array.isArray(n) ? n[0] : n;
    if (!one) return undefined;
    // chevrotain's visit(node, param) is this[node.name](node.children, param), with no more checks.
    return (this as unknown as Record<string, (c: Children, s: Span) => unknown>)[one.name]!(one.children, nodeSpan(one));
  }
}

/** Left-associative chain of one precedence level; the first item has no operator. */
function binary(items: { op?: IToken; e: Expr }[]): Expr {
  if (items.length === 1) return items[0]!.e;
  const first = items[0]!.e;
  const rest: BinaryTail[] = items.slice(1).map(({ op, e }) => ({ op: (op?.image ?? '+') as BinaryOp, opSpan: op ? tokenSpan(op) : e.span, operand: e }));
  const last = rest[rest.length - 1]!.operand;
  return { kind: 'binary', first, rest, span: { start: first.span.start, end: last.span.end } };
}

function unquote(image: string): string {
  try {
    return JSON.parse(image) as string;
  } catch {
    return image.slice(1, -1);
  }
}

export const astBuilder = new AstBuilder();
