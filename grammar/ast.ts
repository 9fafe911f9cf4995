// The AST: a discriminated union on `kind`; every node has a span of source offsets
// (end exclusive). Line and column are computed only when a diagnostic is printed.

export interface Span { readonly start: number; readonly end: number }

export interface Ident { readonly name: string; readonly span: Span }

export type Expr =
  | { kind: 'number'; value: number; isInt: boolean; span: Span }
  | { kind: 'string'; value: string; span: Span }
  | { kind: 'bool'; value: boolean; span: Span }
  | { kind: 'name'; name: string; span: Span }
  | { kind: 'unknownDim'; span: Span }
  | { kind: 'member'; object: Expr; member: Ident; span: Span }
  | { kind: 'call'; callee: Expr; args: Arg[]; span: Span }
  | { kind: 'pipe'; stages: Expr[]; span: Span }
  | { kind: 'binary'; first: Expr; rest: BinaryTail[]; span: Span }
  | { kind: 'negate'; operand: Expr; span: Span }
  | { kind: 'list'; items: Expr[]; span: Span }
  | { kind: 'map'; entries: Field[]; span: Span }
  | { kind: 'error'; span: Span };

export type BinaryOp = '+' | '-' | '*' | '/';
export interface BinaryTail { op: BinaryOp; opSpan: Span; operand: Expr }

export interface Arg { name?: Ident; value: Expr; span: Span }
export interface Field { name: Ident; value: Expr; span: Span }

export interface ShapeType { dtype?: Ident; dims: Expr[]; span: Span }

export type ModelStmt =
  | { kind: 'input'; name: Ident; shape: ShapeType; span: Span }
  | { kind: 'output'; outputs: OutputItem[]; span: Span }
  | { kind: 'bind'; name: Ident; value: Expr; span: Span }
  | { kind: 'flow'; value: Expr; span: Span };

export interface OutputItem { name?: Ident; value: Expr; span: Span }

export interface Param { name: Ident; type: Ident; default?: Expr; span: Span }

export type ImportTarget = { kind: 'std'; path: string[]; span: Span } | { kind: 'file'; path: string; span: Span };

export type Decl =
  | { kind: 'import'; target: ImportTarget; alias?: Ident; span: Span; doc?: string }
  | { kind: 'let'; name: Ident; value: Expr; span: Span; doc?: string }
  | { kind: 'model'; name: Ident; params: Param[]; body: ModelStmt[]; span: Span; doc?: string }
  | { kind: 'data'; name: Ident; value: Expr; span: Span; doc?: string }
  | { kind: 'task'; taskKind: Ident; subject?: Ident; on?: Expr; fields: Field[]; span: Span; doc?: string };

export interface Program { decls: Decl[]; span: Span }

export function cover(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
