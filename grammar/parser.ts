// The .nn grammar as a chevrotain CstParser. Pure syntax: meaning is given by the
// CST→AST visitor in cst-to-ast.ts. Rules are class properties so a wrong reference is a
// compile error. Unary minus is a loop, not recursion, so long chains cannot overflow.
import { CstParser, type CstNode, type IOrAlt, type IRecognitionException, type IToken } from 'chevrotain';
import * as T from './tokens.js';

/** Labels as shared objects: the rules run per token, and an options literal in them is an
 *  allocation per call (chevrotain's performance guide). */
const L = {
  alias: { LABEL: 'alias' },
  default: { LABEL: 'default' },
  dims: { LABEL: 'dims' },
  dtype: { LABEL: 'dtype' },
  file: { LABEL: 'file' },
  flow: { LABEL: 'flow' },
  items: { LABEL: 'items' },
  kind: { LABEL: 'kind' },
  minus: { LABEL: 'minus' },
  name: { LABEL: 'name' },
  on: { LABEL: 'on' },
  operands: { LABEL: 'operands' },
  ops: { LABEL: 'ops' },
  path: { LABEL: 'path' },
  subject: { LABEL: 'subject' },
  suffixes: { LABEL: 'suffixes' },
  type: { LABEL: 'type' },
  value: { LABEL: 'value' },
} as const;

/** Past this many syntax errors the parser stops and leaves the rest of the input unparsed: a
 *  check keeps 1000 diagnostics anyway, and each recovery costs chevrotain a follow-set walk and
 *  an error message (100k broken arguments took 4 s). */
export const MAX_SYNTAX_ERRORS = 1000;

/** chevrotain internals the error cap uses (chevrotain 11; not in its typings). */
interface ErrorInternals {
  _errors: IRecognitionException[];
  SAVE_ERROR(e: IRecognitionException): IRecognitionException;
  moveToTerminatedState(): void;
}

export class NnParser extends CstParser {
  /** Where the parser stopped at MAX_SYNTAX_ERRORS, until the next input. */
  stoppedAt: IToken | undefined;

  /** Each rule's alternatives, made on its first call and reused: they are closures, and a rule
   *  runs once per operand (chevrotain's performance guide, "caching arrays of alternatives"). */
  private readonly alts: Record<string, IOrAlt<unknown>[]> = {};

  /** `validate: false` skips chevrotain's grammar checks (ambiguities, left recursion), a third
   *  of the parser's start-up; the grammar is fixed, so a test builds it with them once. */
  constructor({ validate = true }: { validate?: boolean } = {}) {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, nodeLocationTracking: 'onlyOffset', skipValidations: !validate });
    this.performSelfAnalysis();
    const internals = this as unknown as ErrorInternals;
    const save = internals.SAVE_ERROR.bind(this);
    internals.SAVE_ERROR = (e) => {
      if (internals._errors.length < MAX_SYNTAX_ERRORS) return save(e);
      if (!this.stoppedAt) {
        this.stoppedAt = this.LA(1);
        internals.moveToTerminatedState(); // the next token is EOF: every rule ends
      }
      return e;
    };
  }

  override reset(): void {
    super.reset();
    this.stoppedAt = undefined;
  }

  program = this.RULE('program', () => {
    this.MANY(() => this.SUBRULE(this.decl));
  });

  decl = this.RULE('decl', () => {
    this.OR(this.alts.decl ??= [
      { ALT: () => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.letDecl) },
      { ALT: () => this.SUBRULE(this.modelDecl) },
      { ALT: () => this.SUBRULE(this.dataDecl) },
      { ALT: () => this.SUBRULE(this.taskDecl) },
    ]);
  });

  importDecl = this.RULE('importDecl', () => {
    this.CONSUME(T.Import);
    this.OR(this.alts.importDecl ??= [
      { ALT: () => this.CONSUME(T.StringLiteral, L.file) },
      {
        ALT: () => {
          this.CONSUME(T.Identifier, L.path);
          this.MANY(() => {
            this.CONSUME(T.Dot);
            this.CONSUME2(T.AnyWord, L.path);
          });
        },
      },
    ]);
    this.OPTION(() => {
      this.CONSUME(T.As);
      this.CONSUME3(T.Identifier, L.alias);
    });
  });

  letDecl = this.RULE('letDecl', () => {
    this.CONSUME(T.Let);
    this.CONSUME(T.Identifier, L.name);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr, L.value);
  });

  dataDecl = this.RULE('dataDecl', () => {
    this.CONSUME(T.Data);
    this.CONSUME(T.Identifier, L.name);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr, L.value);
  });

  modelDecl = this.RULE('modelDecl', () => {
    this.CONSUME(T.Model);
    this.CONSUME(T.Identifier, L.name);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.param) });
      this.CONSUME(T.RParen);
    });
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.modelStmt));
    this.CONSUME(T.RCurly);
  });

  param = this.RULE('param', () => {
    this.CONSUME(T.Identifier, L.name);
    this.CONSUME(T.Colon);
    this.CONSUME2(T.Identifier, L.type);
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expr, L.default);
    });
  });

  modelStmt = this.RULE('modelStmt', () => {
    this.OR(this.alts.modelStmt ??= [
      { ALT: () => this.SUBRULE(this.inputStmt) },
      { ALT: () => this.SUBRULE(this.outputStmt) },
      { GATE: () => this.LA(2).tokenType === T.Equals, ALT: () => this.SUBRULE(this.bindStmt) },
      { ALT: () => this.SUBRULE(this.expr, L.flow) },
    ]);
  });

  inputStmt = this.RULE('inputStmt', () => {
    this.CONSUME(T.Input);
    this.CONSUME(T.Identifier, L.name);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.shapeType);
  });

  shapeType = this.RULE('shapeType', () => {
    this.OPTION(() => this.CONSUME(T.Identifier, L.dtype));
    this.CONSUME(T.LSquare);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expr, L.dims) });
    this.CONSUME(T.RSquare);
  });

  outputStmt = this.RULE('outputStmt', () => {
    this.CONSUME(T.Output);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.outputItem) });
  });

  outputItem = this.RULE('outputItem', () => {
    this.OPTION({
      GATE: () => this.LA(2).tokenType === T.Colon,
      DEF: () => {
        this.CONSUME(T.Identifier, L.name);
        this.CONSUME(T.Colon);
      },
    });
    this.SUBRULE(this.expr, L.value);
  });

  bindStmt = this.RULE('bindStmt', () => {
    this.CONSUME(T.Identifier, L.name);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr, L.value);
  });

  taskDecl = this.RULE('taskDecl', () => {
    this.CONSUME(T.Identifier, L.kind);
    this.OPTION(() => this.CONSUME2(T.Identifier, L.subject));
    this.OPTION2(() => {
      this.CONSUME(T.On);
      this.SUBRULE(this.expr, L.on);
    });
    this.SUBRULE(this.fieldBlock);
  });

  fieldBlock = this.RULE('fieldBlock', () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.SUBRULE(this.field);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RCurly);
  });

  field = this.RULE('field', () => {
    this.CONSUME(T.Identifier, L.name);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expr, L.value);
  });

  // Operators are one flat loop (`a -> b + c * d`); the CST→AST visitor applies precedence.
  // Fewer rule levels per operand keep parsing fast on long files.
  expr = this.RULE('expr', () => {
    this.SUBRULE(this.operand, L.operands);
    this.MANY(() => {
      this.CONSUME(T.BinaryOperator, L.ops);
      this.SUBRULE2(this.operand, L.operands);
    });
  });

  // The primary is inlined, not a rule of its own: one rule and one CST node less per operand.
  operand = this.RULE('operand', () => {
    this.MANY(() => this.CONSUME(T.Minus, L.minus));
    this.OR(this.alts.primary ??= [
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.Question) },
      { ALT: () => this.SUBRULE(this.parenExpr) },
      { ALT: () => this.SUBRULE(this.listExpr) },
      { ALT: () => this.SUBRULE(this.mapExpr) },
    ]);
    this.MANY2(() => {
      this.OR2(this.alts.operand ??= [
        { ALT: () => this.SUBRULE(this.callSuffix, L.suffixes) },
        { ALT: () => this.SUBRULE(this.memberSuffix, L.suffixes) },
      ]);
    });
  });

  callSuffix = this.RULE('callSuffix', () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.arg) });
    this.CONSUME(T.RParen);
  });

  memberSuffix = this.RULE('memberSuffix', () => {
    this.CONSUME(T.Dot);
    this.CONSUME(T.AnyWord, L.name);
  });

  arg = this.RULE('arg', () => {
    this.OPTION({
      GATE: () => this.LA(2).tokenType === T.Colon,
      DEF: () => {
        this.CONSUME(T.Identifier, L.name);
        this.CONSUME(T.Colon);
      },
    });
    this.SUBRULE(this.expr, L.value);
  });

  parenExpr = this.RULE('parenExpr', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expr);
    this.CONSUME(T.RParen);
  });

  listExpr = this.RULE('listExpr', () => {
    this.CONSUME(T.LSquare);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expr, L.items) });
    this.CONSUME(T.RSquare);
  });

  mapExpr = this.RULE('mapExpr', () => {
    this.SUBRULE(this.fieldBlock);
  });
}

/** One shared parser: chevrotain parsers are built once and reused via `.input = tokens`. */
export const nnParser = new NnParser({ validate: false });
export type { CstNode };
