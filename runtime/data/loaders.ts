// The interpreter's adapter from checked data values (compiler/values.ts) to the typed data
// functions of sources.ts: one entry per entry of the data-source table, under its name.
import { isAbsolute, resolve } from 'node:path';
import type { DataValue, Value } from '../../compiler/values.js';
import type { RuntimeData } from './column.js';
import { DataError } from './errors.js';
import * as data from './sources.js';

export interface LoadCtx {
  /** Folder of the .nn file; data paths are relative to it. */
  baseDir: string;
  load(v: DataValue): Promise<RuntimeData>;
}

type Args = ReadonlyMap<string, Value>;
type Loader = (args: Args, ctx: LoadCtx) => RuntimeData | Promise<RuntimeData>;

const num = (args: Args, name: string): number => {
  const v = args.get(name);
  if (v?.kind === 'int' || v?.kind === 'float') return v.value;
  if (v?.kind === 'dim' && v.dim.value !== undefined) return v.dim.value;
  throw new DataError(`'${name}' must be a number here`);
};
const str = (args: Args, name: string): string => {
  const v = args.get(name);
  if (v?.kind !== 'string') throw new DataError(`'${name}' must be a string`);
  return v.value;
};
const strings = (args: Args, name: string): string[] => {
  const v = args.get(name);
  return v?.kind === 'list' ? v.items.map((i) => (i.kind === 'string' ? i.value : '')) : [];
};
const flag = (args: Args, name: string): boolean => {
  const v = args.get(name);
  return v?.kind === 'bool' && v.value;
};
const path = (args: Args, name: string, ctx: LoadCtx) => {
  const p = str(args, name);
  return isAbsolute(p) ? p : resolve(ctx.baseDir, p);
};
async function input(args: Args, name: string, ctx: LoadCtx): Promise<RuntimeData> {
  const v = args.get(name);
  if (v?.kind !== 'data') throw new DataError(`'${name}' must be data`);
  return ctx.load(v.data);
}

/** The window spec of a checked windows(...) call; the emitter prints the same object. */
export function windowSpec(args: Args): data.WindowSpec {
  return {
    lookback: num(args, 'lookback'), horizon: num(args, 'horizon'), step: num(args, 'step'), rate: num(args, 'sampling_rate'),
    target: args.get('target')?.kind === 'int' ? num(args, 'target') : undefined, relative: flag(args, 'relative'),
  };
}

export const LOADERS: ReadonlyMap<string, Loader> = new Map<string, Loader>([
  ['csv', (args, ctx) => data.csv(path(args, 'path', ctx), strings(args, 'columns'))],
  ['text', (args, ctx) => data.text(path(args, 'path', ctx))],
  ['image', () => data.image()],
  ['images', () => data.images()],
  ['windows', async (args, ctx) => data.windows(await input(args, 'series', ctx), windowSpec(args))],
  ['char_sequences', async (args, ctx) => data.charSequences(await input(args, 'text', ctx), num(args, 'maxlen'), num(args, 'step'))],
  ['tokenize', async (args, ctx) => data.tokenize(await input(args, 'texts', ctx), num(args, 'vocab_size'), num(args, 'length'))],
  ['normalize', async (args, ctx) => data.normalize(await input(args, 'data', ctx), num(args, 'fit'))],
  ['split', async (args, ctx) => {
    const part = args.get('part');
    return data.split(await input(args, 'data', ctx), num(args, 'fraction'), part?.kind === 'enum' && part.name === 'second' ? 'second' : 'first');
  }],
  ['mnist', (args) => data.mnist(num(args, 'count'))],
  ['fashion_mnist', (args) => data.fashionMnist(num(args, 'count'))],
  ['moby_dick', () => data.mobyDickText()],
  ['sensor_network', (args) => data.sensorNetwork(strings(args, 'columns'), num(args, 'mote'))],
  ['spam_assassin', () => data.spamAssassin()],
]);

/** Loads a checked data value, each distinct value once. */
export function makeLoader(baseDir: string): (v: DataValue) => Promise<RuntimeData> {
  const cache = new Map<DataValue, Promise<RuntimeData>>();
  const ctx: LoadCtx = {
    baseDir,
    load(v) {
      let p = cache.get(v);
      if (!p) {
        const loader = LOADERS.get(v.source);
        if (!loader) throw new DataError(`no runtime loader for ${v.source}()`);
        p = Promise.resolve().then(() => loader(v.args, ctx));
        cache.set(v, p);
      }
      return p;
    },
  };
  return ctx.load;
}
