// Binds call arguments to a parameter list and checks each value against its type.
import type { Arg, Expr, Span } from '../../grammar/ast.js';
import { didYouMean } from '../diagnostics.js';
import { describeType, describeValue, POISON, type ParamSpec, type ParamType, type Value } from '../ir.js';
import type { Sink } from './context.js';

export interface ArgSource { span: Span; value: Value }

/** Evaluates an argument expression knowing the expected type (so `relu` reads as an
 *  enum option, not as the relu layer). */
export type ArgEvaluator = (e: Expr, type: ParamType) => Value;

export function bindArgs(
  what: string,
  params: readonly ParamSpec[],
  args: readonly Arg[],
  callSpan: Span,
  evaluate: ArgEvaluator,
  sink: Sink,
  file: string,
): { values: Map<string, Value>; spans: Map<string, Span>; ok: boolean } {
  const values = new Map<string, Value>();
  const spans = new Map<string, Span>();
  let ok = true;
  const positional = params.filter((p) => p.positional);
  let pi = 0;
  const restItems: Value[] = [];
  let restSpan: Span | undefined;
  let excessReported = false;
  for (const arg of args) {
    let spec: ParamSpec | undefined;
    if (arg.name) {
      spec = params.find((p) => p.name === arg.name!.name);
      if (!spec) {
        const guess = didYouMean(arg.name.name, params.map((p) => p.name));
        sink.report('E0202', file, arg.name.span, { callee: what, name: arg.name.name, guess, params: params.length ? params.map((p) => p.name).join(', ') : undefined });
        ok = false;
        continue;
      }
    } else {
      spec = positional[pi];
      if (spec && !spec.rest) pi++;
      if (!spec) {
        if (!ok && excessReported) continue;
        excessReported = true;
        sink.report('E0209', file, arg.span, { callee: what, count: positional.length, named: positional.length ? params.find((p) => !p.positional)?.name ?? positional[0]!.name : undefined });
        ok = false;
        continue;
      }
    }
    if (spec.rest && !arg.name) {
      const v = evaluate(arg.value, spec.type.kind === 'list' ? spec.type.of : spec.type);
      const checked = checkType(v, spec.type.kind === 'list' ? spec.type.of : spec.type, arg.value.span, spec.name, sink, file);
      if (!checked) ok = false;
      restItems.push(checked ?? POISON);
      restSpan = restSpan ? { start: restSpan.start, end: arg.span.end } : arg.span;
      continue;
    }
    if (values.has(spec.name)) {
      sink.report('E0213', file, arg.span, { name: spec.name });
      ok = false;
      continue;
    }
    const v = checkType(evaluate(arg.value, spec.type), spec.type, arg.value.span, spec.name, sink, file);
    if (!v) ok = false;
    values.set(spec.name, v ?? POISON);
    spans.set(spec.name, arg.value.span);
  }
  for (const spec of params) {
    if (spec.rest) {
      if (!values.has(spec.name)) {
        if (!restItems.length && !spec.default) {
          sink.report('E0208', file, callSpan, { callee: what, name: spec.name, type: describeType(spec.type), doc: spec.doc });
          ok = false;
        }
        const poisoned = restItems.some((i) => i.kind === 'poison');
        values.set(spec.name, poisoned ? POISON : restItems.length ? { kind: 'list', items: restItems } : spec.default ?? POISON);
        if (restSpan) spans.set(spec.name, restSpan);
      }
      continue;
    }
    if (values.has(spec.name)) continue;
    if (spec.default) values.set(spec.name, spec.default);
    else {
      sink.report('E0208', file, callSpan, { callee: what, name: spec.name, type: describeType(spec.type), doc: spec.doc });
      values.set(spec.name, POISON);
      ok = false;
    }
  }
  return { values, spans, ok };
}

/** Returns the value (ints widened to floats where a Float is wanted) or undefined after reporting. */
export function checkType(v: Value, t: ParamType, span: Span, name: string, sink: Sink, file: string, wrongType: 'E0207' | 'E0406' = 'E0207'): Value | undefined {
  if (v.kind === 'poison') return v;
  const wrong = (): undefined => {
    sink.report(wrongType, file, span, { name, expected: describeType(t), found: describeValue(v) });
    return undefined;
  };
  // An Int (or Ints) below its type's minimum.
  const range = (found: string): undefined => {
    const min = 'min' in t ? t.min : undefined;
    const expected = min === 1 ? (t.kind === 'ints' ? 'positive Ints' : 'a positive Int') : `${t.kind === 'ints' ? 'Ints' : 'an Int'} ≥ ${min}`;
    sink.report('E0210', file, span, { name, expected, found });
    return undefined;
  };
  switch (t.kind) {
    case 'any': return v;
    case 'int':
      if (v.kind === 'dim' && t.symbolic) return v.dim.value !== undefined ? { kind: 'int', value: v.dim.value } : v;
      if (v.kind !== 'int') return wrong();
      if (t.min !== undefined && v.value < t.min) return range(String(v.value));
      return v;
    case 'float': {
      if (v.kind !== 'float' && v.kind !== 'int') return wrong();
      const x = v.value;
      const lowOk = t.min === undefined || (t.minExclusive ? x > t.min : x >= t.min);
      const highOk = t.max === undefined || (t.maxExclusive ? x < t.max : x <= t.max);
      if (!lowOk || !highOk) {
        const lo = t.min === undefined ? '' : `${t.minExclusive ? '(' : '['}${t.min}`;
        const hi = t.max === undefined ? '' : `${t.max}${t.maxExclusive ? ')' : ']'}`;
        sink.report('E0210', file, span, { name, expected: t.max === undefined ? `a value ≥ ${t.min}` : `a value in ${lo || '(-∞'}, ${hi}`, found: x });
        return undefined;
      }
      return { kind: 'float', value: x };
    }
    case 'bool': return v.kind === 'bool' ? v : wrong();
    case 'string': return v.kind === 'string' ? v : wrong();
    case 'enum':
      if (v.kind === 'null' && t.nullable) return v;
      if (v.kind !== 'enum') return wrong();
      if (!t.values.includes(v.name)) {
        const guess = didYouMean(v.name, t.values);
        sink.report('E0224', file, span, { value: v.name, name, guess, options: t.values.join(', ') });
        return undefined;
      }
      return v;
    case 'ints': {
      const items = v.kind === 'list' ? v.items : [v];
      if (items.some((i) => i.kind === 'poison')) return POISON;
      if (items.some((i) => i.kind !== 'int')) return wrong();
      if (v.kind === 'list' && t.length !== undefined && items.length !== t.length) {
        sink.report('E0225', file, span, { name, expected: t.length, found: items.length });
        return undefined;
      }
      const low = items.find((i) => (i as { value: number }).value < (t.min ?? -Infinity));
      if (low) return range(describeValue(low));
      return v;
    }
    case 'list': {
      if (v.kind !== 'list') return wrong();
      const items: Value[] = [];
      for (const item of v.items) {
        const c = checkType(item, t.of, span, name, sink, file, wrongType);
        if (!c) return undefined;
        // A poisoned item (an error already reported) poisons the list: rules read items.
        if (c.kind === 'poison') return c;
        items.push(c);
      }
      return { kind: 'list', items };
    }
    case 'layer': return v.kind === 'layer' ? v : wrong();
    case 'model': return v.kind === 'layer' && v.layer.model ? v : wrong();
    case 'data': return v.kind === 'data' || (v.kind === 'null') ? v : wrong();
    case 'call': return v.kind === 'call' && v.table === t.table ? v : wrong();
    case 'map': {
      if (v.kind !== 'map') return wrong();
      const entries = new Map<string, Value>();
      for (const [key, item] of v.entries) {
        const spec = t.fields.find((f) => f.name === key);
        if (!spec) {
          const guess = didYouMean(key, t.fields.map((f) => f.name));
          sink.report('E0402', file, span, { owner: name, name: key, guess, fields: t.fields.map((f) => f.name).join(', ') });
          return undefined;
        }
        const c = checkType(item, spec.type, span, `${name}.${key}`, sink, file, wrongType);
        if (!c) return undefined;
        if (c.kind === 'poison') return c;
        entries.set(key, c);
      }
      return { kind: 'map', entries };
    }
    case 'image_model': return v.kind === 'pretrained' || (v.kind === 'layer' && v.layer.model) ? v : wrong();
    case 'dict': {
      if (v.kind !== 'map' && t.orOne) return checkType(v, t.of, span, name, sink, file, wrongType);
      if (v.kind !== 'map') return wrong();
      const entries = new Map<string, Value>();
      for (const [key, item] of v.entries) {
        const c = checkType(item, t.of, span, `${name}.${key}`, sink, file, wrongType);
        if (!c) return undefined;
        if (c.kind === 'poison') return c;
        entries.set(key, c);
      }
      return { kind: 'map', entries };
    }
  }
}
