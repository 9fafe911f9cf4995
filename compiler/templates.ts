// Message templates of the diagnostics table: `{name}` placeholders, typed so a call site
// passes exactly the values its template names; `{n|noun}` writes "1 noun" or "2 nouns".

type Value = string | number;

/** The placeholder names of a template string (or a union of them). */
export type Holes<S> = S extends `${string}{${infer P}}${infer Rest}` ? (P extends `${infer N}|${string}` ? N : P) | Holes<Rest> : never;

/** Required values for `R`, optional ones for the names only in `O` (a template without
 *  placeholders takes `{}`); object literals with other names fail the excess-property check. */
export type TemplateValues<R extends string, O extends string> = [R | O] extends [never] ? Readonly<Record<string, never>>
  : { readonly [K in R]: Value } & { readonly [K in Exclude<O, R>]?: Value | undefined };

const HOLE = /\{(\w+)(?:\|([^}]+))?\}/g;

export function holesOf(template: string): string[] {
  return [...template.matchAll(HOLE)].map((m) => m[1]!);
}

/** A value longer than this (a shape of 10k dims, a list of 100k items) is shown by its ends. */
export const MAX_VALUE_LENGTH = 200;

function clip(s: string): string {
  if (s.length <= MAX_VALUE_LENGTH) return s;
  const half = (MAX_VALUE_LENGTH - 5) >> 1;
  return `${s.slice(0, half)} ... ${s.slice(s.length - half)}`;
}

export function formatTemplate(template: string, values: Readonly<Record<string, Value | undefined>>): string {
  return template.replace(HOLE, (_, name: string, noun: string | undefined) => {
    const v = values[name];
    // The types rule this out for messages; a help variant is only formatted when complete.
    if (v === undefined) throw new Error(`diagnostic template: no value for {${name}} in "${template}"`);
    return noun === undefined ? clip(String(v)) : `${v} ${v === 1 ? noun : `${noun}s`}`;
  });
}

/** The first help variant whose placeholders all have values, formatted. */
export function pickHelp(help: string | readonly string[] | undefined, values: Readonly<Record<string, Value | undefined>>): string | undefined {
  const variants = typeof help === 'string' ? [help] : help ?? [];
  const fit = variants.find((h) => holesOf(h).every((n) => values[n] !== undefined));
  return fit === undefined ? undefined : formatTemplate(fit, values);
}
