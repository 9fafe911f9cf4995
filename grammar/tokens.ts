// Tokens of the .nn language. Newlines are whitespace: statements need no separator.
import { createToken, Lexer, type TokenType } from 'chevrotain';

/** Any word, keywords included: module paths and members (`std.data`) may be keywords. */
export const AnyWord = createToken({ name: 'AnyWord', pattern: Lexer.NA });
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: [AnyWord], line_breaks: false });

/** The reserved words, in the order they are declared. */
export const KEYWORDS: string[] = [];

function keyword(word: string): TokenType {
  KEYWORDS.push(word);
  return createToken({ name: word[0]!.toUpperCase() + word.slice(1), pattern: new RegExp(word), longer_alt: Identifier, categories: [AnyWord], line_breaks: false });
}

export const Import = keyword('import');
export const As = keyword('as');
export const Let = keyword('let');
export const Model = keyword('model');
export const Input = keyword('input');
export const Output = keyword('output');
export const Data = keyword('data');
export const On = keyword('on');
export const True = keyword('true');
export const False = keyword('false');

export const DocComment = createToken({ name: 'DocComment', pattern: /\/\/\/[^\n\r]*/, group: 'docs', line_breaks: false });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n\r]*/, group: Lexer.SKIPPED, line_breaks: false });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED, line_breaks: true });
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED, line_breaks: true });

export const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?/, line_breaks: false });
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"(?:[^\\"\n\r]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/ });

/** Category of the infix operators, so the parser loops over them in one rule. */
export const BinaryOperator = createToken({ name: 'BinaryOperator', pattern: Lexer.NA });
export const Arrow = createToken({ name: 'Arrow', pattern: /->/, categories: [BinaryOperator], line_breaks: false });
export const LCurly = createToken({ name: 'LCurly', pattern: /\{/, line_breaks: false });
export const RCurly = createToken({ name: 'RCurly', pattern: /\}/, line_breaks: false });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, line_breaks: false });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, line_breaks: false });
export const LSquare = createToken({ name: 'LSquare', pattern: /\[/, line_breaks: false });
export const RSquare = createToken({ name: 'RSquare', pattern: /\]/, line_breaks: false });
export const Comma = createToken({ name: 'Comma', pattern: /,/, line_breaks: false });
export const Colon = createToken({ name: 'Colon', pattern: /:/, line_breaks: false });
export const Equals = createToken({ name: 'Equals', pattern: /=/, line_breaks: false });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, categories: [BinaryOperator], line_breaks: false });
export const Minus = createToken({ name: 'Minus', pattern: /-/, categories: [BinaryOperator], line_breaks: false });
export const Star = createToken({ name: 'Star', pattern: /\*/, categories: [BinaryOperator], line_breaks: false });
export const Slash = createToken({ name: 'Slash', pattern: /\//, categories: [BinaryOperator], line_breaks: false });
export const Question = createToken({ name: 'Question', pattern: /\?/, line_breaks: false });
export const Dot = createToken({ name: 'Dot', pattern: /\./, line_breaks: false });

// Order matters: comments before Slash, Arrow before Minus, keywords before Identifier.
export const allTokens: TokenType[] = [
  WhiteSpace, DocComment, LineComment, BlockComment,
  Import, As, Let, Model, Input, Output, Data, On, True, False, Identifier, AnyWord,
  NumberLiteral, StringLiteral,
  Arrow, LCurly, RCurly, LParen, RParen, LSquare, RSquare, Comma, Colon, Equals,
  Plus, Minus, Star, Slash, Question, Dot, BinaryOperator,
];

/** `validate: false` skips the lexer's checks of the token definitions; a test runs them. */
export const makeLexer = ({ validate = true }: { validate?: boolean } = {}) =>
  new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false, skipValidations: !validate });
export const nnLexer = makeLexer({ validate: false });
