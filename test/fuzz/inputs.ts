// The fuzzer's inputs: input `i` of seed `s` is always the same text, so a failure is
// reproduced by its seed and index alone. Families: programs from a grammar-based generator,
// mutations of the examples, token soups, layer calls with arguments of every type,
// arbitrary unicode, and scaled-down pathological shapes (bench/pathological.ts has the
// full-size ones).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAYERS } from '../../compiler/layers/index.js';
import { TASKS } from '../../compiler/tasks/index.js';
import type { ParamType } from '../../compiler/ir.js';
import { mulberry32 } from '../../runtime/random.js';

/** `dir`: the folder the input pretends to live in (a mutated example's own, so its data
 *  files and imports resolve); undefined for the fixtures' folder. */
export interface FuzzInput { family: Family; text: string; dir?: string }
export type Family = 'generated' | 'mutation' | 'token-edit' | 'splice' | 'tokens' | 'layer-args' | 'unicode' | 'shapes';

export const TOKENS = ['model', 'input', 'output', 'data', 'train', 'let', 'import', 'std.data', 'on', 'as', 'M', 'x', 'y', 'batch', 'dense', 'lstm',
  'conv1d', 'flatten', 'reshape', 'concat', 'windows', 'csv', '"f.csv"', '(', ')', '[', ']', '{', '}', ',', ':', '=', '->', '+', '-', '*',
  '/', '?', '.', '1', '32', '0.5', '1e-3', 'true', 'int32', 'loss', 'mse', 'epochs', '///doc\n', '//c\n', '/*', '*/', '"', '\n', '@'];

const EXAMPLE_DIRS = ['examples', 'examples/seed', 'runtime/std', 'test/fixtures'];
let examplesCache: { dir: string; text: string }[] | undefined;
/** Every .nn text of the repository the mutations start from (the 20k-bracket fixture aside). */
export function examples(): { dir: string; text: string }[] {
  return (examplesCache ??= EXAMPLE_DIRS.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.nn') && !f.startsWith('E0102')).sort()
    .map((f) => ({ dir, text: readFileSync(join(dir, f), 'utf8') }))));
}

/** An example to edit: mostly the runnable programs and std modules (they check clean, so
 *  an edit lands in working code), else a fixture (each made to end in one diagnostic). */
function source(r: Rng): { dir: string; text: string } {
  const all = examples();
  const programs = all.filter((e) => e.dir !== 'test/fixtures');
  return r.chance(0.7) ? r.pick(programs) : r.pick(all);
}

/** A source of choices from one seed. */
export class Rng {
  private readonly next: () => number;
  constructor(seed: number) { this.next = mulberry32(seed); }
  int(n: number): number { return Math.floor(this.next() * n); }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]!; }
  chance(p: number): boolean { return this.next() < p; }
}

/** Input `index` of the run with `seed`. */
export function fuzzInput(seed: number, index: number): FuzzInput {
  const r = new Rng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const roll = r.int(100);
  if (roll < 25) return { family: 'generated', text: generated(r) };
  if (roll < 40) return { family: 'mutation', ...mutation(r) };
  if (roll < 55) return { family: 'token-edit', ...tokenEdit(r) };
  if (roll < 63) return { family: 'splice', ...splice(r) };
  if (roll < 73) return { family: 'tokens', text: tokens(r) };
  if (roll < 89) return { family: 'layer-args', text: layerArgs(r) };
  if (roll < 94) return { family: 'unicode', text: unicode(r) };
  return { family: 'shapes', text: shape(r) };
}

/** Programs that look valid: lets with arithmetic, models with symbolic input shapes, layers
 *  with arguments of every type biased to the right one, nested and imported models, tasks
 *  of every kind with their fields. */
export function generated(r: Rng): string {
  const pick = <T>(xs: readonly T[]): T => r.pick(xs);
  const rnd = (n: number): number => r.int(n);
  const lets: string[] = [];
  const models: string[] = [];
  const dims = ['batch', 'n', 't', '?', '1', '3', '8', '28'];
  const int = (): string => {
    const atoms = ['1', '2', '8', '32', ...lets, ...(rnd(10) === 0 ? ['0', '-1', '3000000000', '94906266', '99999999999999999999'] : [])];
    let e = pick(atoms);
    for (let i = rnd(3); i > 0; i--) e += ` ${pick(['+', '-', '*', '/'])} ${pick(atoms)}`;
    return rnd(8) === 0 ? `(${e})` : e;
  };
  const any = (): string => pick([int(), '0.5', '1e-3', '1e400', 'true', '"s"', 'relu', 'same', 'none', '?', `[${int()}, ${int()}]`, '{a: 1}', 'dense(4)', 'lstm(4)', ...models]);
  const valueOf = (t: ParamType, depth = 0): string => {
    if (rnd(6) === 0 || depth > 2) return any();
    switch (t.kind) {
      case 'int': return t.symbolic && rnd(3) === 0 ? pick(dims) : int();
      case 'float': return pick(['0.1', '0.5', '0', '1', '2', int()]);
      case 'bool': return pick(['true', 'false']);
      case 'string': return pick(['"a.csv"', '"out"', '""']);
      case 'enum': return pick([...t.values, 'nope']);
      case 'ints': return rnd(2) ? int() : `[${int()}, ${int()}]`;
      case 'list': return `[${valueOf(t.of, depth + 1)}, ${valueOf(t.of, depth + 1)}]`;
      case 'layer': return pick(['lstm(4)', 'gru(8, return_sequences: true)', 'dense(4)', 'conv2d(4, 3)', 'bidirectional(lstm(2))', ...models]);
      case 'model': case 'image_model': return models.length ? pick(models) : pick(['M', 'vae.encoder', 'gan.Generator']);
      case 'data': return pick(['d', 'csv("a.csv", columns: ["x"])', 'none']);
      case 'call': return pick(['adam(lr: 0.01)', 'sgd(0.1)', 'rmsprop()', 'adam']);
      case 'map': return `{${t.fields.slice(0, 2).map((f) => `${f.name}: ${valueOf(f.type, depth + 1)}`).join(', ')}}`;
      case 'dict': return `{dense_1: ${valueOf(t.of, depth + 1)}}`;
      case 'any': return any();
    }
  };
  const layerNames = [...LAYERS.keys()];
  const out: string[] = [pick(['import std.vae', 'import std.vae as vae', '']), pick(['import std.gan as gan', 'import std.gan', 'import std.data', ''])];
  for (let i = rnd(4); i > 0; i--) { out.push(`let k${lets.length} = ${int()}`); lets.push(`k${lets.length}`); }
  out.push(pick(['data d = csv("s.csv", columns: ["t"])', 'data d = csv("s.csv", columns: ["t"], windows(8))', 'data d = csv("a.csv", columns: ["x", "y"])']));
  for (let m = 1 + rnd(3); m > 0; m--) {
    const name = `M${models.length}`;
    const rank = 2 + rnd(3);
    const shape = Array.from({ length: rank }, (_, i) => (i === 0 ? 'batch' : rnd(4) === 0 ? `${pick(dims)} ${pick(['+', '*', '/'])} ${pick(['2', 'n', ...lets])}` : pick(dims)));
    const body = [`  input x: ${rnd(8) === 0 ? 'int32' : ''}[${shape.join(', ')}]`];
    if (rnd(6) === 0) body.push(`  input y: [${shape.join(', ')}]`);
    for (let l = 1 + rnd(4); l > 0; l--) {
      if (models.length && rnd(5) === 0) { body.push(`  ${pick(models)}${rnd(2) ? `(${int()})` : ''}`); continue; }
      const def = LAYERS.get(pick(layerNames))!;
      const args = def.params.filter(() => rnd(3) > 0).map((p) => (p.positional && rnd(2) ? valueOf(p.type) : `${p.name}: ${valueOf(p.type)}`));
      const call = `${def.name}(${args.join(', ')})`;
      body.push(rnd(4) === 0 ? `  h${l} = x -> ${call}` : rnd(6) === 0 ? `  x ${pick(['+', '*', '-'])} x` : `  ${call}`);
    }
    if (rnd(5) === 0) body.push(`  output ${pick(['x', 'h1', 'y'])}`);
    out.push(`${rnd(4) === 0 ? '/// A model.\n' : ''}model ${name}${rnd(3) === 0 ? `(n: ${pick(['Int', 'Int', 'Float', 'Bool'])} = ${int()})` : ''} {\n${body.join('\n')}\n}`);
    models.push(name);
  }
  const kinds = [...TASKS.values()];
  for (let k = rnd(3); k > 0; k--) {
    const task = pick(kinds);
    if (task.module !== 'core' && rnd(5) > 0) out.unshift(`import ${task.module}`);
    const fields = task.fields.filter(() => rnd(2) > 0).map((f) => `  ${f.name}: ${valueOf(f.type)}`);
    out.push(`${task.kind} ${task.subjectIsModel ? pick(models) : `t${k}`}${task.needsData && rnd(2) ? ' on d' : ''} {\n${fields.join('\n')}\n}`);
  }
  return out.join('\n');
}

/** An example with up to 4 edits: a token or a short random string inserted, a stretch
 *  deleted, or a stretch of the text copied elsewhere. */
export function mutation(r: Rng): { text: string; dir: string } {
  const { dir, text: original } = source(r);
  let text = original;
  for (let n = 1 + r.int(4); n > 0; n--) {
    const at = r.int(text.length + 1);
    const del = r.chance(0.3) ? r.int(12) : 0;
    let insert: string;
    const kind = r.int(10);
    if (kind < 5) insert = r.pick(TOKENS);
    else if (kind < 8) insert = randomString(r, r.int(7));
    else { const from = r.int(text.length + 1); insert = text.slice(from, from + r.int(200)); }
    text = text.slice(0, at) + insert + text.slice(at + del);
  }
  return { text, dir };
}

const EXTREMES = ['0', '-1', '1', '2', '0.0', '-0.5', '1e400', '1e-400', '9007199254740993', '4294967296', '2147483648', '65536', '1000000', '94906266', '99999999999999999999'];
const WORDS = ['x', 'h', 'batch', 'none', 'relu', 'same', 'true', 'M', 'data', 'model', 'input', 'output', 'std', 'epochs', 'units', ...LAYERS.keys()];

/** An example edited token by token, so it stays close to valid: a number made extreme, a
 *  name swapped for another of the file's or the language's, a token dropped or doubled,
 *  a stretch of tokens repeated. */
export function tokenEdit(r: Rng): { text: string; dir: string } {
  const { dir, text } = source(r);
  const toks = [...text.matchAll(/[A-Za-z_][\w]*|\d[\w.+-]*|"[^"\n]*"|->|\/\/[^\n]*|\s+|./g)].map((m) => m[0]);
  const names = toks.filter((t) => /^[A-Za-z_]/.test(t));
  for (let n = 1 + r.int(4); n > 0; n--) {
    const i = r.int(toks.length);
    const t = toks[i] ?? '';
    const op = r.int(6);
    if (op === 0 || (/^\d/.test(t) && op < 3)) toks[i] = r.pick(EXTREMES);
    else if (op === 1 && /^[A-Za-z_]/.test(t)) toks[i] = r.chance(0.5) && names.length ? r.pick(names) : r.pick(WORDS);
    else if (op === 2) toks.splice(i, 1);
    else if (op === 3) toks.splice(i, 0, t);
    else if (op === 4) toks.splice(i, 0, ...toks.slice(i, i + 1 + r.int(30)));
    else { const j = r.int(toks.length); [toks[i], toks[j]] = [toks[j]!, t]; }
  }
  return { text: toks.join(''), dir };
}

/** Lines of one example spliced into another at a line boundary: valid pieces in new places. */
export function splice(r: Rng): { text: string; dir: string } {
  const into = source(r), from = source(r);
  const a = into.text.split('\n'), b = from.text.split('\n');
  const at = r.int(a.length + 1), start = r.int(b.length), len = 1 + r.int(12);
  a.splice(at, r.chance(0.3) ? r.int(4) : 0, ...b.slice(start, start + len));
  return { text: a.join('\n'), dir: into.dir };
}

function randomString(r: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(r.chance(0.8) ? 32 + r.int(95) : r.int(0x3000));
  return s;
}

export function tokens(r: Rng): string {
  return Array.from({ length: r.int(81) }, () => r.pick(TOKENS)).join(' ');
}

/** One layer call with arguments of every type, in a model with a parameter, used by another. */
export function layerArgs(r: Rng): string {
  const values = ['1', '3', '-1', '0', '2.5', '"s"', 'true', '?', 'n', 'k', 'none', 'relu', 'same', 'dense(2)', 'lstm(2)', 'q', 'undefined_name',
    '9007199254740991', '99999999999999999999', '1e400', 'n * 2', 'n / 0', '-9007199254740993', '0.0', '1e-400', '94906266', '3000000'];
  const value = (): string => (r.chance(0.8) ? r.pick(values)
    : `[${Array.from({ length: r.int(5) }, () => r.pick(['1', '-1', '2', 'n', '?', 'q', 'undefined_name', '0'])).join(', ')}]`);
  const names = ['units', 'target_shape', 'layer', 'axis', 'dims', 'kernel_size', 'strides', 'padding', 'rate', 'n', 'activation', 'return_sequences', 'filters'];
  const args = Array.from({ length: r.int(4) }, () => (r.chance(0.5) ? `${r.pick(names)}: ${value()}` : value()));
  const shape = r.pick(['[b, 8]', '[b, 10, 8]', '[b, 10, 8, 3]', 'int32[b, 5]', '[b, n]', '[b, ?, 8]', '[b, 10, 8, n]', '[b, 0]', '[b, 1, 1, 1, 1]']);
  const ty = r.pick(['Int', 'Float', 'Foo', 'Bool']);
  const q = value();
  return `let q = ${q}\nmodel M(k: ${ty} = ${q}) {\n  input x: ${shape}\n  x -> ${r.pick([...LAYERS.keys()])}(${args.join(', ')})\n}\nmodel N {\n  input y: ${shape}\n  M(${value()})\n}`;
}

export function unicode(r: Rng): string {
  let s = '';
  for (let n = r.int(200); n > 0; n--) {
    const c = r.int(4) === 0 ? r.int(0x110000) : r.int(256);
    s += c >= 0xd800 && c < 0xe000 ? String.fromCharCode(c) : String.fromCodePoint(c);
  }
  return s;
}

/** The pathological shapes at a random size up to a few thousand repetitions. */
export function shape(r: Rng): string {
  const n = 1 + r.int(r.chance(0.1) ? 3000 : 300);
  const lines = (f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));
  switch (r.int(16)) {
    case 0: return `model M {\n  input x: [b, 4]\n  x${' -> relu'.repeat(n)}\n}`;
    case 1: return ['let a0 = 1', ...lines((i) => `let a${i + 1} = a${i} ${r.pick(['+', '*', '-', '/'])} ${r.pick(['1', '2', `a${i}`])}`)].reverse().join('\n');
    case 2: return ['model M0 {\n  input x: [b, 4]\n  dense(4)\n}', ...lines((i) => `model M${i + 1} {\n  input x: [b, 4]\n  M${i}\n}`)].reverse().join('\n');
    case 3: return `${r.chance(0.5) ? 'import std.data\nlet a = std.data' : 'let a = x'}${'.b'.repeat(n)}`;
    case 4: return `model M {\n  input x: [b, 10, 4]\n  ${`${r.pick(['bidirectional', 'time_distributed'])}(`.repeat(n % 60)}${r.pick(['lstm(4)', 'dense(4)', 'gru(2)'])}${')'.repeat(n % 60)}\n}`;
    case 5: return `let f = relu${'()'.repeat(n)}`;
    case 6: return `let a = dense(${'1, '.repeat(n)}1)`;
    case 7: return `model M(s0: Int) {\n  input x: [b, ${lines((i) => `s${i}`).join(' + ')}]\n  input y: [b, 3]\n  x + y\n}`;
    case 8: return `model M {\n  input x: [b, 4]\n${') , '.repeat(n)}}`;
    case 9: return `let a = ${'x + '.repeat(n)}1`;
    case 10: return `let a = f(${'a: b: ,'.repeat(n)})`;
    case 11: { const open = r.pick(['(', '[', '{']); return `let x = ${open.repeat(n % 150)}1${({ '(': ')', '[': ']', '{': '}' })[open]!.repeat(n % 150)}`; }
    case 12: return `model M {\n  input x: [b, 4]\n${lines((i) => `  h${i} = ${i ? `h${i - 1}` : 'x'} -> dense(4)`).join('\n')}\n}`;
    case 13: return `model M {\n  input x: [b, 4]\n  ${'concat('.repeat(n % 80)}x${', x)'.repeat(n % 80)}\n}`;
    case 14: return `model M(n: Int, m: Int) {\n  input x: [b, ${lines(() => r.pick(['n', 'm', '2', '(n + m)', '(n - 1)'])).join(' * ')}]\n  dense(n * m)\n}`;
    default: { const f = `(${lines((i) => `s${i % 9}`).slice(0, 1 + (n % 9)).join(' + ')})`; return `model M(s0: Int, s1: Int, s2: Int, s3: Int, s4: Int, s5: Int, s6: Int, s7: Int, s8: Int) {\n  input x: [b, ${Array(1 + (n % 30)).fill(f).join(' * ')}]\n  dense(4)\n}`; }
  }
}
