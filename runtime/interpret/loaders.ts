// The interpreter's adapter from checked data values (compiler/ir.ts) to the data
// functions of sources.ts: arguments decoded generically into the object each function
// takes (nested data loaded first), so no source needs code here.
import type { DataValue, Value } from '../../compiler/ir.js';
import type { RuntimeData } from '../data/column.js';
import { DATA_FUNCTIONS, type DataCtx } from '../data/sources.js';
import { fault } from '../errors.js';

type Load = (v: DataValue) => Promise<RuntimeData>;

/** A checked value as the data functions take it. */
async function decode(v: Value, load: Load): Promise<unknown> {
  switch (v.kind) {
    case 'int': case 'float': return v.value;
    case 'string': return v.value;
    case 'bool': return v.value;
    case 'enum': return v.name;
    case 'null': return null;
    case 'dim': {
      if (v.dim.value === undefined) throw fault('data', `a data argument must be a known number, found ${v.dim}`);
      return v.dim.value;
    }
    case 'list': return Promise.all(v.items.map((i) => decode(i, load)));
    case 'data': return load(v.data);
    case 'map': return Object.fromEntries(await Promise.all([...v.entries].map(async ([k, i]) => [k, await decode(i, load)] as const)));
    default: throw fault('data', `a data argument cannot be ${v.kind}`);
  }
}

type DataFn = (args: Record<string, unknown>, ctx: DataCtx) => RuntimeData;

/** Loads a checked data value, each distinct value once. */
export function makeLoader(baseDir: string): Load {
  const cache = new Map<DataValue, Promise<RuntimeData>>();
  const ctx: DataCtx = { baseDir };
  const load: Load = (v) => {
    let p = cache.get(v);
    if (!p) {
      // Each function's parameter object matches its table entry; the checker made the args fit.
      const fn = (DATA_FUNCTIONS as unknown as Record<string, DataFn | undefined>)[v.source];
      if (!fn) throw fault('data', `no runtime data function for ${v.source}()`);
      p = (async () => {
        const args: Record<string, unknown> = {};
        for (const [k, a] of v.args) args[k] = await decode(a, load);
        return fn(args, ctx);
      })();
      cache.set(v, p);
    }
    return p;
  };
  return load;
}
