// Expression evaluation during checking. Inside a model body, layer applications add IR
// nodes; everywhere, values carry enough type to check the next use. A poison value
// (from an earlier error) silences every check that depends on it.
import type { Arg, Expr, Span } from '../../grammar/ast.js';
import { cover } from '../../grammar/ast.js';
import { DATA_SOURCES } from '../data/sources.js';
import { didYouMean, RuleError, type Code, type Values } from '../diagnostics.js';
import type { IRNode, KnownRequirement, ModelIR } from '../ir.js';
import { layerCtx } from '../layers/ctx.js';
import { LAYERS, type LayerDef } from '../layers/index.js';
import { Dim, DimOverflow, DimTooComplex, MAX_DIM_FACTORS, MAX_DIM_TERMS } from '../shapes/dim.js';
import { formatShape, type Shape } from '../shapes/shape.js';
import { unifyShapes } from '../shapes/unify.js';
import { OPTIMIZERS } from '../tasks/vocab.js';
import { PRETRAINED_SOURCES, readPretrainedTopology } from '../pretrained/sources.js';
import { TopologyError } from '../pretrained/topology.js';
import type { CompilerHost } from './loader.js';
import { describeValue, modelSymbols, POISON, type DataType, type LayerInstance, type ParamSpec, type ParamType, type TensorRef, type Value } from '../ir.js';
import { bindArgs } from './args.js';
import { checkProjectPath } from './paths.js';
import type { GlobalSymbol, Sink, SourceModule } from './context.js';
import { exportsOf } from './loader.js';

/** A model body under construction. */
export interface ModelBuilder {
  nodes: IRNode[];
  requires: KnownRequirement[];
  flow?: Value;
  /** Set once "nothing flows" is reported, so "model has no input" does not repeat it. */
  noFlowReported?: boolean;
  counters: Map<string, number>;
}

export interface Env {
  module: SourceModule;
  locals: Map<string, Value>;
  builder?: ModelBuilder;
}

/** Resolves top-level declarations (memoised, cycle-safe); implemented by the checker. */
export interface Globals {
  sink: Sink;
  host: CompilerHost;
  value(sym: GlobalSymbol, span: Span, env: Env): Value;
  /** Instantiates a model with arguments (checked), for nesting. */
  instantiate(modelName: string, module: SourceModule, args: readonly Arg[], span: Span, env: Env): ModelIR | undefined;
  nextLayerId(): number;
}

const MERGE_OPS: Record<string, string> = { '+': 'add', '-': 'subtract', '*': 'multiply' };

/** How deep expressions may nest through calls (`f()()()`): deeper is E0243, not a stack
 *  overflow. Brackets are limited by the parser; members, pipes, sums and negations are loops. */
export const MAX_EVAL_DEPTH = 500;
/** Weights a layer may have before W0314 (4 GB as float32). */
export const MAX_LAYER_WEIGHTS = 1e9;
const MAX_SAFE = String(Number.MAX_SAFE_INTEGER);
/** The longest list `range` makes. */
const MAX_RANGE = 100_000;
const RANGE_PARAMS: readonly ParamSpec[] = [
  { name: 'start', type: { kind: 'int', min: 0 }, doc: 'The first number (or, alone, the stop: range(3) is 0, 1, 2).', positional: true },
  { name: 'stop', type: { kind: 'int', min: 0 }, doc: 'One past the last number.', positional: true, default: { kind: 'null' } },
];

/** `1e20`, `123456…` : a number, shortened for a message. */
export function showNumber(x: number): string {
  const s = String(x);
  return s.length > 24 ? x.toPrecision(6) : s;
}

/** 12 GB, 3.5 TB: a byte count for a message. */
export function showBytes(n: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return `${i === 0 ? n : n.toPrecision(3)} ${units[i]}`;
}

/** E0245 when `err` is a dim past the checker's bounds on its polynomials; false for any
 *  other error, which the caller handles. */
export function tooComplex(sink: Sink, path: string, span: Span, err: unknown, what: string): boolean {
  if (!(err instanceof DimTooComplex)) return false;
  sink.report('E0245', path, span, { what, max: err.what === 'terms' ? `${MAX_DIM_TERMS} terms` : `${MAX_DIM_FACTORS} factors in a term` });
  return true;
}

export class Evaluator {
  constructor(private readonly g: Globals) {}

  private report<C extends Code>(env: Env, code: C, span: Span, values: Values<C>): void {
    this.g.sink.report(code, env.module.path, span, values);
  }

  private depth = 0;

  eval(e: Expr, env: Env, expected?: ParamType): Value {
    if (this.depth >= MAX_EVAL_DEPTH) {
      this.report(env, 'E0243', e.span, { what: 'expressions and the definitions they use', max: MAX_EVAL_DEPTH });
      return POISON;
    }
    this.depth++;
    try {
      return this.evalInner(e, env, expected);
    } catch (err) {
      // Dim arithmetic out of the safe range, where no narrower place caught it.
      if (tooComplex(this.g.sink, env.module.path, e.span, err, 'a size in this expression')) return POISON;
      if (!(err instanceof DimOverflow)) throw err;
      this.report(env, 'E0242', e.span, { what: `a dim of this expression (${showNumber(err.value)})`, max: MAX_SAFE });
      return POISON;
    } finally {
      this.depth--;
    }
  }

  private evalInner(e: Expr, env: Env, expected?: ParamType): Value {
    switch (e.kind) {
      case 'number': {
        const tooLarge = e.isInt ? !Number.isSafeInteger(e.value) : !Number.isFinite(e.value);
        if (tooLarge) {
          this.report(env, 'E0242', e.span, { what: `the number ${showNumber(e.value)}`, max: MAX_SAFE });
          return POISON;
        }
        return e.isInt ? { kind: 'int', value: e.value } : { kind: 'float', value: e.value };
      }
      case 'string': return { kind: 'string', value: e.value };
      case 'bool': return { kind: 'bool', value: e.value };
      case 'unknownDim': return { kind: 'dim', dim: Dim.UNKNOWN };
      case 'error': return POISON;
      case 'name': return this.name(e.name, e.span, env, expected?.kind === 'dict' && expected.orOne ? expected.of : expected);
      case 'member': return this.member(e, env);
      case 'list': {
        const of = expected?.kind === 'list' ? expected.of : undefined;
        return { kind: 'list', items: e.items.map((i) => this.eval(i, env, of)) };
      }
      case 'map': {
        const fields = expected?.kind === 'map' ? expected.fields : [];
        const typeOf = (key: string) => (expected?.kind === 'dict' ? expected.of : fields.find((x) => x.name === key)?.type);
        return { kind: 'map', entries: new Map(e.entries.map((f) => [f.name.name, this.eval(f.value, env, typeOf(f.name.name))])) };
      }
      case 'negate': {
        // Iterative, so `- - - ... x` of any length cannot overflow the stack.
        let inner: Expr = e.operand;
        let odd = true;
        while (inner.kind === 'negate') { inner = inner.operand; odd = !odd; }
        const v = this.eval(inner, env);
        if (!odd && v.kind !== 'tensor') return v;
        if (v.kind === 'int' || v.kind === 'float') return { ...v, value: -v.value };
        if (v.kind === 'dim') return { kind: 'dim', dim: v.dim.neg() };
        if (v.kind !== 'poison') this.report(env, 'E0219', e.span, { found: describeValue(v) });
        return POISON;
      }
      case 'binary': return this.binary(e, env);
      case 'pipe': return this.pipe(e.stages, env);
      case 'call': return this.call(e, env, expected);
    }
  }

  // ---- names ---------------------------------------------------------------------------

  private name(name: string, span: Span, env: Env, expected?: ParamType): Value {
    if (expected?.kind === 'enum' && expected.values.includes(name)) return { kind: 'enum', name };
    if (expected?.kind === 'enum' && !env.locals.has(name) && !env.module.scope.has(name)) return { kind: 'enum', name };
    if (expected?.kind === 'call' && OPTIMIZERS.has(name)) return this.callable(name, [], span, env);
    const local = env.locals.get(name);
    if (local) return local;
    const sym = env.module.scope.get(name);
    if (sym) return this.g.value(sym, span, env);
    if (LAYERS.has(name)) return this.layerCall(LAYERS.get(name)!, [], span, env);
    if (DATA_SOURCES.has(name) && DATA_SOURCES.get(name)!.module === 'core') return this.dataCall(name, [], span, env);
    if (name === 'none') return { kind: 'null' };
    if (this.g.sink.full) { this.report(env, 'E0201', span, { name }); return POISON; }
    // Where an optimizer is expected, guess among optimizers (`adm` → adam, not add).
    const candidates = expected?.kind === 'call' ? [...OPTIMIZERS.keys()]
      : [...env.locals.keys(), ...env.module.scope.keys(), ...LAYERS.keys(), ...[...DATA_SOURCES.values()].filter((d) => d.module === 'core').map((d) => d.name)];
    const guess = didYouMean(name, candidates);
    const stdHome = DATA_SOURCES.get(name)?.module;
    this.report(env, 'E0201', span, { name, module: stdHome !== 'core' ? stdHome : undefined, guess });
    return POISON;
  }

  private member(e: Extract<Expr, { kind: 'member' }>, env: Env): Value {
    // A chain `a.b.c.d`, walked iteratively: values have no members, so only the member of
    // a module path (`m`, `std.data`, at most two names) is looked up, and the member after
    // the first value is E0239.
    const chain: Extract<Expr, { kind: 'member' }>[] = [e];
    for (let o = e.object; o.kind === 'member'; o = o.object) chain.push(o);
    const n = chain.length;
    let value: Value | undefined;
    let next = n - 1; // the member access applied to `value`
    for (const i of [n - 2, n - 1]) {
      if (i < 0) continue;
      const mod = this.moduleOf(chain[i]!.object, env);
      if (mod === undefined) continue;
      if (mod === null) return POISON;
      value = this.memberOf(mod, chain[i]!, env);
      next = i - 1;
      break;
    }
    value ??= this.eval(chain[n - 1]!.object, env);
    if (value.kind === 'poison' || next < 0) return value;
    const m = chain[next]!;
    this.report(env, 'E0239', m.member.span, { owner: describeValue(value), name: m.member.name });
    return POISON;
  }

  private memberOf(mod: { label: string; exports: Map<string, GlobalSymbol> }, e: Extract<Expr, { kind: 'member' }>, env: Env): Value {
    const sym = mod.exports.get(e.member.name);
    if (!sym) {
      const guess = didYouMean(e.member.name, mod.exports.keys());
      this.report(env, 'E0239', e.member.span, { owner: mod.label, name: e.member.name, guess });
      return POISON;
    }
    return this.g.value(sym, e.member.span, env);
  }

  /** The module an expression like `m` or `std.data` names: undefined if it is not a module
   *  path, null if it is one that failed (already reported). */
  private moduleOf(e: Expr, env: Env): { label: string; exports: Map<string, GlobalSymbol> } | null | undefined {
    const path: string[] = [];
    let cur = e;
    while (cur.kind === 'member') {
      path.unshift(cur.member.name);
      cur = cur.object;
    }
    if (cur.kind !== 'name') return undefined;
    path.unshift(cur.name);
    const sym = env.module.scope.get(path[0]!);
    if (sym?.kind === 'module' && path.length === 1) return { label: sym.stdName ?? path[0]!, exports: exportsOf(sym.module, sym.stdName ?? '') };
    if (path[0] === 'std' && path.length === 2 && !env.locals.has('std')) {
      const label = path.join('.');
      for (const s of env.module.scope.values()) if (s.kind === 'module' && s.stdName === label) return { label, exports: exportsOf(s.module, s.stdName ?? '') };
      const exports = exportsOf('builtin', label);
      if (exports.size) return { label, exports };
      this.report(env, 'E0240', e.span, { module: label });
      return null;
    }
    return undefined;
  }

  // ---- arithmetic ----------------------------------------------------------------------

  private binary(e: Extract<Expr, { kind: 'binary' }>, env: Env): Value {
    let acc = this.eval(e.first, env);
    let accSpan = e.first.span;
    for (const t of e.rest) {
      const rhs = this.eval(t.operand, env);
      const span = cover(accSpan, t.operand.span);
      acc = this.arith(t.op, acc, rhs, span, t.opSpan, env);
      accSpan = span;
    }
    return acc;
  }

  private arith(op: string, a: Value, b: Value, span: Span, opSpan: Span, env: Env): Value {
    if (a.kind === 'poison' || b.kind === 'poison') return POISON;
    if (a.kind === 'tensor' || b.kind === 'tensor') {
      const merge = MERGE_OPS[op];
      if (a.kind !== 'tensor' || b.kind !== 'tensor' || !merge) {
        this.report(env, 'E0220', opSpan, { op, found: `${describeValue(a)} ${op} ${describeValue(b)}` });
        return POISON;
      }
      return this.apply(this.instance(LAYERS.get(merge)!, new Map(), span), [a.tensor, b.tensor], [span, span], span, env);
    }
    if ((a.kind === 'int' || a.kind === 'float') && (b.kind === 'int' || b.kind === 'float')) {
      const x = a.value, y = b.value;
      if (a.kind === 'int' && b.kind === 'int') {
        if (op === '/' && y === 0) { this.report(env, 'E0226', span, {}); return POISON; }
        const r = op === '/' ? Math.floor(x / y) : op === '+' ? x + y : op === '-' ? x - y : x * y;
        return Number.isSafeInteger(r) ? { kind: 'int', value: r } : this.tooLarge(env, span, r);
      }
      const r = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y;
      return Number.isFinite(r) ? { kind: 'float', value: r } : this.tooLarge(env, span, r);
    }
    const da = asDim(a), db = asDim(b);
    if (da && db) {
      try {
        const d = op === '+' ? da.add(db) : op === '-' ? da.sub(db) : op === '*' ? da.mul(db) : da.floorDiv(db);
        return d.value !== undefined ? { kind: 'int', value: d.value } : { kind: 'dim', dim: d };
      } catch (err) {
        if (tooComplex(this.g.sink, env.module.path, span, err, 'the result')) return POISON;
        if (!(err instanceof DimOverflow)) throw err;
        return this.tooLarge(env, span, err.value);
      }
    }
    this.report(env, 'E0221', opSpan, { op, left: describeValue(a), right: describeValue(b) });
    return POISON;
  }

  private tooLarge(env: Env, span: Span, value: number): Value {
    this.report(env, 'E0242', span, { what: `the result ${showNumber(value)}`, max: MAX_SAFE });
    return POISON;
  }

  // ---- pipes and calls -----------------------------------------------------------------

  private pipe(stages: Expr[], env: Env): Value {
    let acc = this.eval(stages[0]!, env);
    if (acc.kind === 'layer') acc = this.applyToFlow(acc.layer, stages[0]!.span, env);
    for (let i = 1; i < stages.length; i++) {
      const stage = this.eval(stages[i]!, env);
      if (acc.kind === 'poison' || stage.kind === 'poison') { acc = POISON; continue; }
      if (acc.kind !== 'tensor') {
        this.report(env, 'E0229', stages[i - 1]!.span, { found: describeValue(acc) });
        return POISON;
      }
      if (stage.kind !== 'layer') {
        this.report(env, 'E0211', stages[i]!.span, { found: describeValue(stage) });
        return POISON;
      }
      acc = this.apply(stage.layer, [acc.tensor], [stages[i - 1]!.span], stages[i]!.span, env);
    }
    return acc;
  }

  /** A layer written where a tensor is wanted (a bare line, the start of a pipe) applies
   *  to the current flow. */
  applyToFlow(layer: LayerInstance, span: Span, env: Env): Value {
    const flow = env.builder?.flow;
    if (!env.builder) return { kind: 'layer', layer };
    if (!flow) {
      if (env.builder.noFlowReported) return POISON;
      env.builder.noFlowReported = true;
      this.report(env, 'E0212', span, { layer: layer.layer });
      return POISON;
    }
    if (flow.kind !== 'tensor') return POISON;
    return this.apply(layer, [flow.tensor], [span], span, env);
  }

  private call(e: Extract<Expr, { kind: 'call' }>, env: Env, expected?: ParamType): Value {
    const callee = e.callee;
    if (callee.kind === 'name' && !env.locals.has(callee.name)) {
      const sym = env.module.scope.get(callee.name);
      if (sym?.kind === 'decl' && sym.decl.kind === 'model') return this.modelCall(sym.decl.name.name, sym.module, e, env);
      if (sym?.kind === 'builtin') return this.builtinCall(sym, e.args, e.span, env);
      if (!sym) {
        if (PRETRAINED_SOURCES.get(callee.name)?.modules.includes('core')) return this.pretrainedCall(callee.name, e.args, e.span, env);
        if (callee.name === 'range' && !LAYERS.has('range')) return this.rangeCall(e.args, e.span, env);
        const def = LAYERS.get(callee.name);
        if (def) return this.layerCall(def, e.args, e.span, env);
        if (DATA_SOURCES.get(callee.name)?.module === 'core') return this.dataCall(callee.name, e.args, e.span, env);
        if (OPTIMIZERS.has(callee.name) && (expected?.kind === 'call' || !env.builder)) return this.callable(callee.name, e.args, e.span, env);
      }
    }
    if (callee.kind === 'member') {
      const mod = this.moduleOf(callee.object, env);
      if (mod === null) return POISON;
      const sym = mod?.exports.get(callee.member.name);
      if (sym?.kind === 'decl' && sym.decl.kind === 'model') return this.modelCall(sym.decl.name.name, sym.module, e, env);
      if (sym?.kind === 'builtin') return this.builtinCall(sym, e.args, e.span, env);
    }
    // Applying a layer value to tensors: `enc(x)`, `dense(8)(x)`. An unknown callee where an
    // optimizer is expected is looked up with that expectation (for the "did you mean").
    const fn = this.eval(callee, env, expected?.kind === 'call' ? expected : undefined);
    if (fn.kind === 'poison') return POISON;
    if (fn.kind !== 'layer') {
      this.report(env, 'E0232', callee.span, { value: describeValue(fn) });
      return POISON;
    }
    const inputs = e.args.map((a) => this.eval(a.value, env));
    if (inputs.some((v) => v.kind === 'poison')) return POISON;
    const bad = inputs.findIndex((v) => v.kind !== 'tensor');
    if (bad >= 0 || inputs.length === 0 || e.args.some((a) => a.name)) {
      this.report(env, 'E0233', bad >= 0 ? e.args[bad]!.span : e.span, { found: bad >= 0 ? describeValue(inputs[bad]!) : 'no tensor' });
      return POISON;
    }
    return this.apply(fn.layer, inputs.map((v) => (v as { tensor: TensorRef }).tensor), e.args.map((a) => a.span), e.span, env);
  }

  callable(name: string, args: readonly Arg[], span: Span, env: Env): Value {
    const def = OPTIMIZERS.get(name)!;
    const bound = bindArgs(name, def.params, args, span, (x, t) => this.eval(x, env, t), this.g.sink, env.module.path);
    return bound.ok && ![...bound.values.values()].some((v) => v.kind === 'poison') ? { kind: 'call', table: 'optimizer', name, args: bound.values } : POISON;
  }

  /** `range(stop)`, `range(start, stop)`: the ints start..stop-1, as Python's range (column
   *  numbers of a CSV file: `x: range(0, 13)`). */
  private rangeCall(args: readonly Arg[], span: Span, env: Env): Value {
    const bound = bindArgs('range', RANGE_PARAMS, args, span, (x, t) => this.eval(x, env, t), this.g.sink, env.module.path);
    if (!bound.ok || [...bound.values.values()].some((v) => v.kind === 'poison')) return POISON;
    const first = (bound.values.get('start') as { value: number }).value;
    const second = bound.values.get('stop');
    const [start, stop] = second?.kind === 'int' ? [first, second.value] : [0, first];
    const at = bound.spans.get(second?.kind === 'int' ? 'stop' : 'start') ?? span;
    if (stop <= start || stop - start > MAX_RANGE) {
      const expected = stop <= start ? `a stop past the start (${start})` : `at most ${MAX_RANGE} numbers`;
      this.report(env, 'E0210', at, { name: 'stop', expected, found: String(stop), example: 'range(0, 13) for 0, 1, ..., 12' });
      return POISON;
    }
    return { kind: 'list', items: Array.from({ length: stop - start }, (_, i) => ({ kind: 'int', value: start + i })) };
  }

  /** A table entry a std module exports: a data set or a pretrained model. */
  builtinCall(sym: Extract<GlobalSymbol, { kind: 'builtin' }>, args: readonly Arg[], span: Span, env: Env): Value {
    return sym.table === 'data' ? this.dataCall(sym.name, args, span, env) : this.pretrainedCall(sym.name, args, span, env);
  }

  /** `load("model.json")`, `inception_v3()`: the topology is read now, so tasks can check
   *  the input and the layer names. Paths stay as written (relative to the .nn file). */
  pretrainedCall(name: string, args: readonly Arg[], span: Span, env: Env): Value {
    const def = PRETRAINED_SOURCES.get(name)!;
    const bound = bindArgs(name, def.params, args, span, (x, t) => this.eval(x, env, t), this.g.sink, env.module.path);
    if (!bound.ok || [...bound.values.values()].some((v) => v.kind === 'poison')) return POISON;
    const { location, pixels, label } = def.locate(bound.values);
    const host = this.g.host;
    const at = (p: string) => host.resolve(env.module.path, p);
    try {
      if (location.kind === 'file' && location.weights !== null && !host.fileExists(at(location.weights))) {
        this.report(env, 'E0411', bound.spans.get('weights') ?? span, { path: location.weights, reason: 'no such file' });
        return POISON;
      }
      const topology = readPretrainedTopology(location.kind === 'file' ? { ...location, path: at(location.path) } : location, host);
      return { kind: 'pretrained', pretrained: { label, location, pixels, input: topology.input, layers: topology.layers } };
    } catch (err) {
      if (!(err instanceof TopologyError)) throw err;
      const what = location.kind === 'file' ? location.path : label;
      this.report(env, 'E0411', bound.spans.get('path') ?? span, { path: what, reason: err.message });
      return POISON;
    }
  }

  dataCall(name: string, args: readonly Arg[], span: Span, env: Env): Value {
    const def = DATA_SOURCES.get(name)!;
    const bound = bindArgs(name, def.params, args, span, (x, t) => this.eval(x, env, t), this.g.sink, env.module.path);
    if (!bound.ok || [...bound.values.values()].some((v) => v.kind === 'poison')) return POISON;
    for (const param of def.files ?? []) {
      const v = bound.values.get(param);
      if (v?.kind === 'string') checkProjectPath(this.g.host, this.g.sink, env.module.path, bound.spans.get(param) ?? span, param, 'read', v.value);
    }
    let samples: number | undefined;
    try {
      const type: DataType = def.type({
        args: bound.values,
        int: (n) => (bound.values.get(n) as { value: number }).value,
        data: (n) => {
          const v = bound.values.get(n)!;
          if (v.kind !== 'data') throw RuleError.of('E0414', { source: name, expected: `data for '${n}'`, found: describeValue(v) }, { at: n });
          // Examples of several named inputs or outputs go to train and evaluate only.
          const t = v.data.type;
          if (t.kind === 'dataset' && t.inputs) throw RuleError.of('E0414', { source: name, expected: 'data of one input', found: `examples of the inputs ${t.inputs.map((i) => i.name).join(', ')}`, example: 'transform each input before examples(x: {a: normalize(da), b: db}, y: t)' }, { at: n });
          if (t.kind === 'dataset' && t.outputs) throw RuleError.of('E0414', { source: name, expected: 'data of one output', found: `examples of the outputs ${t.outputs.map((o) => o.name).join(', ')}`, example: 'transform the arrays before examples(x: normalize(dx), y: {a: ya, b: yb})' }, { at: n });
          return v.data.type;
        },
        head: (param, maxBytes, offset, quiet) => {
          const path = this.dataPath(param, bound, env);
          if (path === undefined) return undefined;
          if (!this.g.host.readFileHead) return undefined;
          if (!this.g.host.fileExists(path)) {
            const why = this.g.host.notAFile?.(path);
            if (why) throw RuleError.of('E0420', { path: this.stringValue(param, bound) ?? path, reason: why }, { at: param });
            return quiet ? 'missing' : this.missingData(param, bound, span, env);
          }
          return this.g.host.readFileHead(path, maxBytes, offset);
        },
        folders: (param) => {
          const path = this.dataPath(param, bound, env);
          if (path === undefined || !this.g.host.listFolders) return undefined;
          const folders = this.g.host.listFolders(path);
          if (folders) return folders;
          if (this.g.host.fileExists(path)) throw RuleError.of('E0420', { path: this.stringValue(param, bound) ?? path, reason: 'it is a file, not a folder' }, { at: param });
          return this.missingData(param, bound, span, env);
        },
        report: (err) => this.g.sink.reportRule(err, env.module.path, (err.where.at && bound.spans.get(err.where.at)) || span),
        settle: (n, v) => { bound.values.set(n, v); },
        samplesOf: (n) => { const v = bound.values.get(n); return v?.kind === 'data' ? v.data.samples : undefined; },
        knowSamples: (n) => { samples = n; },
      });
      return { kind: 'data', data: { source: name, args: bound.values, type, ...(samples !== undefined ? { samples } : {}) } };
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      this.g.sink.reportRule(err, env.module.path, (err.where.at && bound.spans.get(err.where.at)) || span);
      return POISON;
    }
  }

  /** The file a data source's string argument names, resolved against the module. */
  private dataPath(param: string, bound: { values: Map<string, Value> }, env: Env): string | undefined {
    const path = this.stringValue(param, bound);
    return path === undefined ? undefined : this.g.host.resolve(env.module.path, path);
  }

  /** A data file or folder that is not there: a warning (it may be made before the run). */
  private missingData(param: string, bound: { values: Map<string, Value>; spans: Map<string, Span> }, span: Span, env: Env): 'missing' {
    this.report(env, 'W0416', bound.spans.get(param) ?? span, { path: this.stringValue(param, bound) ?? param });
    return 'missing';
  }

  /** A string argument as the user wrote it. */
  private stringValue(param: string, bound: { values: Map<string, Value> }): string | undefined {
    const v = bound.values.get(param);
    return v?.kind === 'string' ? v.value : undefined;
  }

  private layerCall(def: LayerDef, args: readonly Arg[], span: Span, env: Env): Value {
    // Leading positional tensors are the layer's inputs: concat(a, b), sampling(m, v).
    const tensorArgs: { value: TensorRef; span: Span }[] = [];
    let firstArg = 0;
    // The argument tried as a tensor and found to be something else: evaluated once only, so
    // nested calls (`bidirectional(bidirectional(...))`) cost linear time, not 2^depth.
    let tried: { expr: Expr; value: Value } | undefined;
    if (def.arity !== 1 || env.builder) {
      while (firstArg < args.length && !args[firstArg]!.name) {
        const first = args[firstArg]!;
        if (!this.looksLikeTensor(first.value, env)) break;
        const v = this.eval(first.value, env);
        if (v.kind === 'poison') return POISON;
        if (v.kind !== 'tensor') { tried = { expr: first.value, value: v }; break; }
        tensorArgs.push({ value: v.tensor, span: first.span });
        firstArg++;
      }
    }
    const rest = firstArg ? args.slice(firstArg) : args;
    const evaluate = (x: Expr, t: ParamType): Value => (x === tried?.expr ? tried.value : this.eval(x, env, t));
    const bound = bindArgs(def.name, def.params, rest, span, evaluate, this.g.sink, env.module.path);
    if (!bound.ok || [...bound.values.values()].some((v) => v.kind === 'poison')) return POISON;
    const inst = this.instance(def, bound.values, span, bound.spans);
    if (tensorArgs.length) return this.apply(inst, tensorArgs.map((t) => t.value), tensorArgs.map((t) => t.span), span, env);
    return { kind: 'layer', layer: inst };
  }

  /** Cheap syntactic test so evaluating an argument as a tensor does not report errors twice. */
  private looksLikeTensor(e: Expr, env: Env): boolean {
    if (e.kind === 'name') return env.locals.get(e.name)?.kind === 'tensor';
    return e.kind === 'pipe' || e.kind === 'call' || e.kind === 'binary';
  }

  private argSpans = new WeakMap<LayerInstance, Map<string, Span>>();

  private instance(def: LayerDef, args: Map<string, import('../ir.js').Value>, span: Span, spans?: Map<string, Span>): LayerInstance {
    const inst: LayerInstance = { id: this.g.nextLayerId(), layer: def.name, isModel: false, args, span };
    if (spans) this.argSpans.set(inst, spans);
    return inst;
  }

  private modelCall(name: string, module: SourceModule, e: Extract<Expr, { kind: 'call' }>, env: Env): Value {
    const tensors = e.args.filter((a) => !a.name && this.looksLikeTensor(a.value, env));
    const params = e.args.filter((a) => !tensors.includes(a));
    const ir = this.g.instantiate(name, module, params, e.span, env);
    if (!ir) return POISON;
    const inst: LayerInstance = { id: this.g.nextLayerId(), layer: name, isModel: true, args: ir.args, span: e.span, model: ir };
    if (tensors.length) {
      const vals = tensors.map((t) => this.eval(t.value, env));
      if (vals.some((v) => v.kind !== 'tensor')) return POISON;
      return this.apply(inst, vals.map((v) => (v as { tensor: TensorRef }).tensor), tensors.map((t) => t.span), e.span, env);
    }
    return { kind: 'layer', layer: inst };
  }

  // ---- layer application ---------------------------------------------------------------

  apply(layer: LayerInstance, inputs: TensorRef[], inputSpans: Span[], span: Span, env: Env, name?: string): Value {
    const b = env.builder;
    if (!b) {
      // Unreachable: tensors exist only inside a model, where env.builder is set.
      throw new Error(`${layer.layer} applied outside a model`);
    }
    const result = layer.isModel ? this.applyModel(layer, inputs, inputSpans, span, env) : this.applyLayer(layer, inputs, inputSpans, span, env);
    if (!result) return POISON;
    const count = (b.counters.get(layer.layer) ?? 0) + 1;
    b.counters.set(layer.layer, count);
    const node: IRNode = {
      id: b.nodes.length, op: 'layer', name: name ?? `${layer.layer}_${count}`, layerId: layer.id, layer: layer.layer,
      args: layer.args, model: layer.model, inputs: inputs.map((t) => t.node), shape: result.shape, params: result.params, span,
    };
    b.nodes.push(node);
    return { kind: 'tensor', tensor: { node: node.id, shape: result.shape } };
  }

  private applyLayer(layer: LayerInstance, inputs: TensorRef[], inputSpans: Span[], span: Span, env: Env): { shape: Shape; params: Dim } | undefined {
    const def = LAYERS.get(layer.layer)!;
    const want = def.arity === 'many' ? 'at least 2' : String(def.arity);
    if (def.arity === 'many' ? inputs.length < 2 : inputs.length !== def.arity) {
      this.report(env, 'E0223', span, { callee: def.name, expected: want, found: inputs.length });
      return undefined;
    }
    try {
      const defer = (dim: Dim, why: string) => env.builder!.requires.push({ dim, why, span, file: env.module.path });
      const ctx = layerCtx(def.name, layer.args, inputs.map((t) => t.shape), defer);
      const result = { shape: def.outputShape(ctx), params: def.paramCount(ctx) };
      this.checkWeights(def.name, result.params, layer.span, env);
      return result;
    } catch (err) {
      if (tooComplex(this.g.sink, env.module.path, layer.span, err, `the size of ${def.name}'s output or weights`)) return undefined;
      if (err instanceof DimOverflow) {
        this.report(env, 'E0242', layer.span, { what: `the size of ${def.name}'s output or weights (${showNumber(err.value)})`, max: MAX_SAFE });
        return undefined;
      }
      if (!(err instanceof RuleError)) throw err;
      const at = err.where.at;
      const argSpan = at && at !== 'input' ? this.argSpans.get(layer)?.get(at) : undefined;
      const where = at === 'input' ? inputSpans[err.where.inputIndex ?? 0] ?? span : argSpan ?? layer.span;
      this.g.sink.reportRule(err, env.module.path, where);
      return undefined;
    }
  }

  /** W0314 for a layer whose weights would not fit any memory (nothing is allocated here). */
  private checkWeights(layer: string, params: Dim, span: Span, env: Env): void {
    const n = params.value;
    if (n !== undefined && n > MAX_LAYER_WEIGHTS) this.report(env, 'W0314', span, { layer, params: showNumber(n), bytes: showBytes(n * 4) });
  }

  private applyModel(layer: LayerInstance, inputs: TensorRef[], inputSpans: Span[], span: Span, env: Env): { shape: Shape; params: Dim } | undefined {
    const ir = layer.model!;
    if (inputs.length !== ir.inputs.length) {
      this.report(env, 'E0223', span, { callee: ir.name, expected: ir.inputs.length, found: inputs.length });
      return undefined;
    }
    if (ir.outputs.length !== 1) {
      this.report(env, 'E0235', span, { model: ir.name, count: ir.outputs.length });
      return undefined;
    }
    const bindings = new Map<string, Dim>();
    const flexible = modelSymbols(ir);
    for (let i = 0; i < inputs.length; i++) {
      const want = ir.nodes[ir.inputs[i]!.node]!.shape;
      const fail = unifyShapes(want, inputs[i]!.shape, bindings, flexible);
      if (fail) {
        this.report(env, 'E0313', inputSpans[i] ?? span, { model: ir.name, input: ir.inputs[i]!.name, expected: formatShape(want), found: formatShape(inputs[i]!.shape) });
        return undefined;
      }
    }
    try {
      for (const r of ir.requires) {
        const dim = r.dim.substitute(bindings);
        if (dim.value === undefined) env.builder!.requires.push({ dim, why: r.why, span, file: env.module.path });
      }
      const out = ir.nodes[ir.outputs[0]!.node]!.shape;
      const params = ir.nodes.reduce((acc, n) => acc.add(n.params), Dim.const(0)).substitute(bindings);
      return { shape: { dtype: out.dtype, dims: out.dims.map((d) => d.substitute(bindings)) }, params };
    } catch (err) {
      if (tooComplex(this.g.sink, env.module.path, span, err, `the size of ${ir.name}'s output or weights`)) return undefined;
      if (!(err instanceof DimOverflow)) throw err;
      this.report(env, 'E0242', span, { what: `the size of ${ir.name}'s output or weights (${showNumber(err.value)})`, max: MAX_SAFE });
      return undefined;
    }
  }
}

function asDim(v: Value): Dim | undefined {
  if (v.kind === 'int') return Dim.const(v.value);
  if (v.kind === 'dim') return v.dim;
  return undefined;
}
