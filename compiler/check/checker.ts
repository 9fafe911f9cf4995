// The checker: AST of the entry file and its imports → diagnostics and checked IR.
import type { Arg, Decl, Expr, ModelStmt, Span } from '../../grammar/ast.js';
import { makeDiagnostic, type Diagnostic, type Note } from '../diagnostics.js';
import type { CheckedProgram, DataIR, IRNode, KnownRequirement, ModelIR, TaskIR } from '../ir.js';
import { Dim, DimOverflow } from '../shapes/dim.js';
import type { DType, Shape } from '../shapes/shape.js';
import { describeValue, POISON, type ParamSpec, type ParamType, type Value } from '../ir.js';
import { bindArgs } from './args.js';
import { Sink, type GlobalSymbol, type SourceModule } from './context.js';
import { Evaluator, showNumber, tooComplex, type Env, type Globals, type ModelBuilder } from './evaluate.js';
import { Loader, type CompilerHost } from './loader.js';
import { checkTask } from './tasks.js';

export interface CheckResult {
  diagnostics: Diagnostic[];
  program: CheckedProgram;
  /** Every loaded module by path (the entry first), for tools that map spans to text. */
  sources: Map<string, string>;
  /** Model IR by declaration, for hovers and summaries (default arguments). */
  modelsByDecl: Map<Decl, ModelIR>;
  /** Every loaded module (AST and top-level scope) by path, for editor features. */
  modules: Map<string, SourceModule>;
  /** Each model's nodes as far as they checked, even when the model has an error. */
  partialModels: Map<Decl, ModelIR>;
}

const PARAM_TYPES: Record<string, ParamType> = {
  Int: { kind: 'int', symbolic: true }, Float: { kind: 'float' }, Bool: { kind: 'bool' }, String: { kind: 'string' },
};

type ModelDecl = Extract<Decl, { kind: 'model' }>;

class Checker implements Globals {
  constructor(readonly host: CompilerHost) {}
  readonly sink = new Sink();
  readonly evaluator = new Evaluator(this);
  private layerIds = 0;
  private readonly globalValues = new Map<Decl, Value>();
  private readonly inProgress = new Set<Decl>();
  readonly modelsByDecl = new Map<Decl, ModelIR>();
  /** The nodes built before a model's first error, for editors (hints on the lines above it). */
  readonly partialModels = new Map<Decl, ModelIR>();

  nextLayerId(): number {
    return ++this.layerIds;
  }

  value(sym: GlobalSymbol, span: Span, env: Env): Value {
    if (sym.kind === 'builtin') return this.evaluator.builtinCall(sym, [], span, env);
    if (sym.kind === 'module') {
      this.sink.report('E0216', env.module.path, span, {});
      return POISON;
    }
    const decl = sym.decl;
    if (decl.kind === 'model') {
      const ir = this.instantiate(decl.name.name, sym.module, [], span, env);
      if (!ir) return POISON;
      const layer = { id: this.nextLayerId(), layer: decl.name.name, isModel: true, args: ir.args, span, model: ir };
      return env.builder ? this.evaluator.applyToFlow(layer, span, env) : { kind: 'layer', layer };
    }
    return this.globalValue(decl, sym.module);
  }

  globalValue(decl: Extract<Decl, { kind: 'let' | 'data' }>, module: SourceModule): Value {
    const done = this.globalValues.get(decl);
    if (done) return done;
    if (this.inProgress.has(decl)) {
      this.sink.report('E0215', module.path, decl.name.span, { name: decl.name.name });
      return POISON;
    }
    this.inProgress.add(decl);
    const env: Env = { module, locals: new Map() };
    let v = this.evaluator.eval(decl.value, env);
    if (decl.kind === 'data' && v.kind !== 'data' && v.kind !== 'poison') {
      this.sink.report('E0217', module.path, decl.value.span, { name: decl.name.name, found: describeValue(v) });
      v = POISON;
    }
    this.inProgress.delete(decl);
    this.globalValues.set(decl, v);
    return v;
  }

  private readonly instances = new Map<string, ModelIR | undefined>();

  instantiate(modelName: string, module: SourceModule, args: readonly Arg[], span: Span, env: Env): ModelIR | undefined {
    const sym = module.scope.get(modelName);
    if (sym?.kind !== 'decl' || sym.decl.kind !== 'model') return undefined;
    const decl = sym.decl;
    // The model is checked in its own module (the name may come from an import).
    module = sym.module;
    if (this.inProgress.has(decl)) {
      this.sink.report('E0215', env.module.path, span, { name: modelName });
      return undefined;
    }
    // A default may name the model itself (`model M(n: Int = M)`): it is in progress meanwhile.
    this.inProgress.add(decl);
    const specs: ParamSpec[] = decl.params.map((p) => ({
      name: p.name.name, type: PARAM_TYPES[p.type.name] ?? { kind: 'any' }, doc: '', positional: true,
      default: p.default ? this.evaluator.eval(p.default, { module, locals: new Map() }) : undefined,
    }));
    this.inProgress.delete(decl);
    // Int parameters without a default stay symbolic: `model M(units: Int)` has a `units` dim.
    const defaults = specs.map((s) => (s.default || s.type.kind !== 'int' ? s : { ...s, default: { kind: 'dim', dim: Dim.sym(s.name) } as Value }));
    const bound = bindArgs(modelName, defaults, args, span, (x, t) => this.evaluator.eval(x, env, t), this.sink, env.module.path);
    if (!bound.ok || [...bound.values.values()].some((v) => v.kind === 'poison')) return undefined;
    const key = `${module.path}:${modelName}:${[...bound.values].map(([k, v]) => `${k}=${valueKey(v)}`).join(',')}`;
    if (this.instances.has(key)) return this.instances.get(key);
    const isDefault = args.length === 0;
    let ir: ModelIR | undefined;
    if (isDefault) ir = this.checkModel(decl, module, bound.values);
    else {
      const trial = this.sink.quietly(() => this.checkModel(decl, module, bound.values));
      if (trial.errors > 0) {
        this.sink.report('E0236', env.module.path, span, { model: modelName });
      }
      ir = trial.errors ? undefined : trial.result;
    }
    this.instances.set(key, ir);
    return ir;
  }

  checkModel(decl: ModelDecl, module: SourceModule, args: Map<string, Value>): ModelIR | undefined {
    this.inProgress.add(decl);
    try {
      const builder: ModelBuilder = { nodes: [], requires: [], counters: new Map() };
      const env: Env = { module, locals: new Map(args), builder };
      const ir: ModelIR = { name: decl.name.name, doc: decl.doc, file: module.path, span: decl.span, args, inputs: [], outputs: [], nodes: builder.nodes, requires: builder.requires };
      const named = new Set<string>();
      for (const stmt of decl.body) this.modelStmt(stmt, env, ir, named);
      if (!this.partialModels.has(decl)) this.partialModels.set(decl, ir);
      if (!ir.inputs.length) {
        if (builder.noFlowReported) return undefined;
        this.sink.report('E0237', module.path, decl.name.span, { model: decl.name.name });
        return undefined;
      }
      if (!ir.outputs.length) {
        const flow = builder.flow;
        if (flow?.kind === 'tensor') ir.outputs.push({ node: flow.tensor.node });
        // An input sets the flow, so only a poisoned flow (already reported) leaves no output.
        else if (!flow || flow.kind !== 'poison') throw new Error(`model ${decl.name.name}: no flow after its inputs`);
      }
      if (!ir.outputs.length || !this.weightsCountable(ir, module.path, decl)) return undefined;
      return ir;
    } finally {
      this.inProgress.delete(decl);
    }
  }

  /** The model's weight count stays an exact integer (each layer's does, but a sum of
   *  layers near the limit may not): `nnc summary`, `nnc graph` and the runtime add them up. */
  private weightsCountable(ir: ModelIR, path: string, decl: ModelDecl): boolean {
    try {
      ir.nodes.reduce((acc, n) => acc.add(n.params), Dim.const(0));
      return true;
    } catch (err) {
      if (tooComplex(this.sink, path, decl.name.span, err, `the weight count of ${decl.name.name}`)) return false;
      if (!(err instanceof DimOverflow)) throw err;
      this.sink.report('E0242', path, decl.name.span, { what: `the weight count of ${decl.name.name} (${showNumber(err.value)})`, max: String(Number.MAX_SAFE_INTEGER) });
      return false;
    }
  }

  private modelStmt(stmt: ModelStmt, env: Env, ir: ModelIR, named: Set<string>): void {
    const b = env.builder!;
    const path = env.module.path;
    const claim = (name: string, span: Span): boolean => {
      if (named.has(name) || (env.locals.has(name) && ir.args.has(name) === false && env.locals.get(name)?.kind !== 'dim')) {
        this.sink.report('E0203', path, span, { name, scope: 'model' });
        return false;
      }
      named.add(name);
      return true;
    };
    switch (stmt.kind) {
      case 'input': {
        const shape = this.inputShape(stmt.shape, env);
        if (!claim(stmt.name.name, stmt.name.span)) return;
        const node: IRNode = { id: b.nodes.length, op: 'input', name: stmt.name.name, inputs: [], shape, params: Dim.const(0), span: stmt.span };
        b.nodes.push(node);
        ir.inputs.push({ name: stmt.name.name, node: node.id });
        const v: Value = { kind: 'tensor', tensor: { node: node.id, shape } };
        env.locals.set(stmt.name.name, v);
        b.flow = v;
        return;
      }
      case 'bind': {
        const v = this.evaluator.eval(stmt.value, env);
        if (!claim(stmt.name.name, stmt.name.span)) return;
        env.locals.set(stmt.name.name, v);
        if (v.kind === 'tensor') {
          const node = b.nodes[v.tensor.node]!;
          if (node.op === 'layer' && /_\d+$/.test(node.name)) node.name = stmt.name.name;
          b.flow = v;
        } else if (v.kind === 'poison') b.flow = v;
        return;
      }
      case 'flow': {
        let v = this.evaluator.eval(stmt.value, env);
        if (v.kind === 'layer') v = this.evaluator.applyToFlow(v.layer, stmt.value.span, env);
        if (v.kind === 'tensor' || v.kind === 'poison') b.flow = v;
        else this.sink.report('E0230', path, stmt.value.span, { found: describeValue(v) });
        return;
      }
      case 'output': {
        for (const item of stmt.outputs) {
          const v = this.evaluator.eval(item.value, env);
          const t = v.kind === 'layer' ? this.evaluator.applyToFlow(v.layer, item.value.span, env) : v;
          if (t.kind === 'tensor') {
            ir.outputs.push({ name: item.name?.name, node: t.tensor.node });
            if (item.name) b.nodes[t.tensor.node]!.name = item.name.name;
          } else if (t.kind !== 'poison') this.sink.report('E0231', path, item.value.span, { found: describeValue(t) });
        }
        return;
      }
    }
  }

  /** Input shapes introduce their named dims (`batch`, `vocab`) into the model's scope. */
  private inputShape(s: { dtype?: { name: string; span: Span }; dims: Expr[] }, env: Env): Shape {
    let dtype: DType = 'float32';
    if (s.dtype) {
      if (s.dtype.name === 'int32' || s.dtype.name === 'float32') dtype = s.dtype.name;
      else this.sink.report('E0218', env.module.path, s.dtype.span, { dtype: s.dtype.name });
    }
    const dims = s.dims.map((e) => {
      if (e.kind === 'name' && !env.locals.has(e.name) && !env.module.scope.has(e.name)) {
        const d = Dim.sym(e.name);
        env.locals.set(e.name, { kind: 'dim', dim: d });
        return d;
      }
      const v = this.evaluator.eval(e, env);
      if (v.kind === 'int') {
        if (v.value < 1) this.sink.report('E0310', env.module.path, e.span, { found: v.value });
        return Dim.const(v.value);
      }
      if (v.kind === 'dim') return v.dim;
      if (v.kind !== 'poison') this.sink.report('E0311', env.module.path, e.span, { found: describeValue(v) });
      return Dim.UNKNOWN;
    });
    return { dtype, dims };
  }

  /** `why`: why no number binds the dim; `notes` point at the data (E0303's label). */
  reportUnbound(r: KnownRequirement, why: string, notes: readonly Note<never>[] = []): void {
    this.sink.report('E0303', r.file, r.span, { need: r.why, dim: String(r.dim), reason: why }, notes);
  }

  /** Checks declarations that sit at the end of long dependency chains (`let a2 = a1`, …,
   *  declared in any order; models nesting models) bottom-up, one every WARM_STEP links, so
   *  that resolving a name recurses at most WARM_STEP definitions deep. Programs without such
   *  chains are untouched (their diagnostics keep their order). */
  private warmUp(modules: SourceModule[]): void {
    type Def = Extract<Decl, { kind: 'let' | 'model' | 'data' }>;
    const homes = new Map<Def, SourceModule>();
    for (const mod of modules) for (const d of mod.ast.decls) if (d.kind === 'let' || d.kind === 'model' || d.kind === 'data') homes.set(d, mod);
    const height = new Map<Def, number>();
    const onStack = new Set<Def>();
    for (const root of homes.keys()) {
      if (height.has(root)) continue;
      const stack: { decl: Def; deps: Def[]; i: number }[] = [{ decl: root, deps: declDeps(root, homes.get(root)!), i: 0 }];
      onStack.add(root);
      while (stack.length) {
        const top = stack[stack.length - 1]!;
        const dep = top.deps[top.i++];
        if (dep !== undefined) {
          if (!height.has(dep) && !onStack.has(dep) && homes.has(dep)) {
            onStack.add(dep);
            stack.push({ decl: dep, deps: declDeps(dep, homes.get(dep)!), i: 0 });
          }
          continue;
        }
        stack.pop();
        onStack.delete(top.decl);
        let h = 1;
        for (const d of top.deps) h = Math.max(h, 1 + (height.get(d) ?? 0));
        height.set(top.decl, h);
        if (h % WARM_STEP !== 0) continue;
        const mod = homes.get(top.decl)!;
        if (top.decl.kind !== 'model') this.globalValue(top.decl, mod);
        else if (ownsName(mod, top.decl)) this.instantiate(top.decl.name.name, mod, [], top.decl.name.span, { module: mod, locals: new Map() });
      }
    }
  }

  run(entry: SourceModule, modules: SourceModule[]): CheckedProgram {
    this.warmUp(modules);
    const program: CheckedProgram = { file: entry.path, models: new Map(), data: new Map(), tasks: [] };
    const trained = new Set(entry.ast.decls.flatMap((d) => (d.kind === 'task' && d.subject ? [d.subject.name] : [])));
    for (const mod of modules) {
      const isEntry = mod === entry;
      for (const decl of mod.ast.decls) {
        // A model whose name an import also brings (E0206) is not checked: the name is not its own.
        if (decl.kind === 'model' && decl.name.name && ownsName(mod, decl)) {
          const ir = this.instantiate(decl.name.name, mod, [], decl.name.span, { module: mod, locals: new Map() });
          if (ir) {
            this.modelsByDecl.set(decl, ir);
            // A named dim a layer needs as a number must be bound by the data of a task.
            if (isEntry && !trained.has(decl.name.name)) for (const r of ir.requires) this.reportUnbound(r, 'no task binds it from data');
            if (isEntry) program.models.set(decl.name.name, ir);
          }
        } else if (decl.kind === 'let' || decl.kind === 'data') {
          const v = this.globalValue(decl, mod);
          if (isEntry && decl.kind === 'data' && v.kind === 'data') program.data.set(decl.name.name, { name: decl.name.name, doc: decl.doc, value: v.data, span: decl.span } satisfies DataIR);
        } else if (decl.kind === 'task' && isEntry) {
          const task: TaskIR | undefined = checkTask(decl, mod, this);
          if (task) program.tasks.push(task);
        }
      }
    }
    return program;
  }
}

/** Links of a definition chain resolved recursively before warmUp checks one bottom-up. */
const WARM_STEP = 64;

/** The top-level declarations a declaration names (by name, or as `module.Name`), found by a
 *  syntactic walk; a superset is harmless (it only orders warmUp). */
function declDeps(decl: Extract<Decl, { kind: 'let' | 'model' | 'data' }>, mod: SourceModule): Extract<Decl, { kind: 'let' | 'model' | 'data' }>[] {
  const roots: Expr[] = [];
  if (decl.kind === 'model') {
    for (const p of decl.params) if (p.default) roots.push(p.default);
    for (const st of decl.body) {
      if (st.kind === 'input') for (const d of st.shape.dims) roots.push(d);
      else if (st.kind === 'output') for (const o of st.outputs) roots.push(o.value);
      else roots.push(st.value);
    }
  } else roots.push(decl.value);
  const out = new Set<Extract<Decl, { kind: 'let' | 'model' | 'data' }>>();
  const add = (sym: GlobalSymbol | undefined) => { if (sym?.kind === 'decl') out.add(sym.decl); };
  // No spreads: a pipe may have 100k stages, more than a call takes arguments.
  const stack = roots;
  const push = (es: readonly Expr[]) => { for (const x of es) stack.push(x); };
  for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
    switch (e.kind) {
      case 'name': add(mod.scope.get(e.name)); break;
      case 'member': {
        const owner = e.object.kind === 'name' ? mod.scope.get(e.object.name) : undefined;
        if (owner?.kind === 'module' && owner.module !== 'builtin') add(owner.module.scope.get(e.member.name));
        else stack.push(e.object);
        break;
      }
      case 'call': stack.push(e.callee); for (const a of e.args) stack.push(a.value); break;
      case 'pipe': push(e.stages); break;
      case 'binary': stack.push(e.first); for (const t of e.rest) stack.push(t.operand); break;
      case 'negate': stack.push(e.operand); break;
      case 'list': push(e.items); break;
      case 'map': for (const f of e.entries) stack.push(f.value); break;
      default: break;
    }
  }
  return [...out];
}

function valueKey(v: Value): string {
  switch (v.kind) {
    case 'int': case 'float': case 'bool': return `${v.value}`;
    case 'string': return JSON.stringify(v.value);
    case 'dim': return `d:${v.dim}`;
    case 'enum': return `e:${v.name}`;
    case 'list': return `[${v.items.map(valueKey).join(',')}]`;
    default: return `${v.kind}`;
  }
}

/** Checks `path` (with `text` if given, else read through the host) and all it imports. */
/** The declaration is what its name means in its module (not shadowed by a clashing import). */
function ownsName(mod: SourceModule, decl: ModelDecl): boolean {
  const sym = mod.scope.get(decl.name.name);
  return sym?.kind === 'decl' && sym.decl === decl;
}

export function check(path: string, host: CompilerHost, text?: string): CheckResult {
  const checker = new Checker(host);
  const loader = new Loader(host, checker.sink);
  const source = text ?? host.readFile(path);
  if (source === undefined) throw new Error(`cannot read ${path}`);
  const entry = loader.loadText(path, source);
  const modules = [...loader.modules.values()];
  const program = checker.run(entry, modules);
  const dropped = checker.sink.dropped;
  if (dropped > 0) checker.sink.diagnostics.push(makeDiagnostic('E0103', entry.path, { start: entry.text.length, end: entry.text.length }, { count: dropped }));
  const sources = new Map(modules.map((m) => [m.path, m.text]));
  return { diagnostics: checker.sink.diagnostics, program, sources, modelsByDecl: checker.modelsByDecl, modules: loader.modules, partialModels: checker.partialModels };
}

export type { Checker };
