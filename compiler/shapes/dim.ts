// Symbolic dimensions in a normal form: a polynomial with integer coefficients over atoms,
// where an atom is a named dim or a floor/ceil division that could not be simplified.
// Two dims are equal exactly when their canonical strings are equal; `a*c` and `c*a`
// normalise alike, and `2*(n/2)` stays distinct from `n` unless n is known to be even.

export type Atom =
  | { kind: 'sym'; name: string }
  | { kind: 'div'; mode: 'floor' | 'ceil'; num: Dim; den: Dim };

export interface Term { atoms: Atom[]; key: string; coef: number }

/** A coefficient left the safe-integer range (±2^53 - 1), where doubles stop counting
 *  exactly. Thrown by dim arithmetic and caught by the checker, which reports E0242 at the
 *  expression or layer that overflowed: internal control flow, like RuleError. */
export class DimOverflow extends RangeError {
  constructor(readonly value: number) {
    super(`dim arithmetic overflowed: ${value}`);
  }
}

/** Bounds on a dim's polynomial: terms once multiplied out, and factors in one term. Real
 *  sizes have a handful of each; past these, arithmetic costs grow without bound
 *  (`(a + b + … + h)^12` has 50k terms, `n * n * …` 16k times took 12 s). */
export const MAX_DIM_TERMS = 1000;
export const MAX_DIM_FACTORS = 64;

/** A dim past MAX_DIM_TERMS or MAX_DIM_FACTORS. Thrown like DimOverflow and reported as E0245. */
export class DimTooComplex extends RangeError {
  constructor(readonly what: 'terms' | 'factors') {
    super(`dim has more than ${what === 'terms' ? MAX_DIM_TERMS : MAX_DIM_FACTORS} ${what}`);
  }
}

function safe(n: number): number {
  if (!Number.isSafeInteger(n)) throw new DimOverflow(n);
  return n;
}

export class Dim {
  private constructor(
    /** Sorted by key; no zero coefficients; the constant term has key ''. */
    readonly terms: readonly Term[],
    /** `?`: a dim nobody knows. Arithmetic on it stays unknown; it equals nothing. */
    readonly unknown: boolean,
  ) {}

  static const(n: number): Dim {
    // Non-integers (NaN, Infinity, fractions) only come from arithmetic gone out of range.
    safe(n);
    return new Dim(n === 0 ? [] : [{ atoms: [], key: '', coef: n }], false);
  }
  static sym(name: string): Dim {
    return Dim.fromTerms([{ atoms: [{ kind: 'sym', name }], key: name, coef: 1 }]);
  }
  static readonly UNKNOWN = new Dim([], true);

  /** @internal Builds a normalised dim from raw terms (merges like terms, drops zeros). */
  static fromTerms(terms: Term[]): Dim {
    const byKey = new Map<string, Term>();
    for (const t of terms) {
      const prev = byKey.get(t.key);
      byKey.set(t.key, prev ? { ...prev, coef: safe(prev.coef + t.coef) } : t);
    }
    if (byKey.size > MAX_DIM_TERMS) throw new DimTooComplex('terms');
    const out = [...byKey.values()].filter((t) => t.coef !== 0).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return new Dim(out, false);
  }

  isConst(): boolean {
    return !this.unknown && this.terms.every((t) => t.atoms.length === 0);
  }
  /** The integer value when the dim is a constant, else undefined. */
  get value(): number | undefined {
    if (!this.isConst()) return undefined;
    return this.terms[0]?.coef ?? 0;
  }
  /** The name when the dim is exactly one named dim. */
  get symbol(): string | undefined {
    const t = this.terms[0];
    if (this.unknown || this.terms.length !== 1 || t!.coef !== 1 || t!.atoms.length !== 1) return undefined;
    const a = t!.atoms[0]!;
    return a.kind === 'sym' ? a.name : undefined;
  }

  add(o: Dim): Dim {
    if (this.unknown || o.unknown) return Dim.UNKNOWN;
    // Most dims are numbers: no terms to merge (a map and a sort per add, otherwise).
    if (this.isConst() && o.isConst()) return Dim.const(safe(this.value! + o.value!));
    if (o.terms.length === 0) return this;
    if (this.terms.length === 0) return o;
    return Dim.fromTerms([...this.terms, ...o.terms]);
  }
  neg(): Dim {
    if (this.unknown) return Dim.UNKNOWN;
    return Dim.fromTerms(this.terms.map((t) => ({ ...t, coef: -t.coef })));
  }
  sub(o: Dim): Dim {
    return this.add(o.neg());
  }
  mul(o: Dim): Dim {
    if (this.unknown || o.unknown) return Dim.UNKNOWN;
    if (this.isConst() && o.isConst()) return Dim.const(safe(this.value! * o.value!));
    // Counted before multiplying out (like terms could merge, but that is rare and the
    // product is what would cost the time).
    if (this.terms.length * o.terms.length > MAX_DIM_TERMS) throw new DimTooComplex('terms');
    const out: Term[] = [];
    for (const a of this.terms) for (const b of o.terms) out.push(mulTerms(a, b));
    return Dim.fromTerms(out);
  }
  floorDiv(o: Dim): Dim {
    return divide(this, o, 'floor');
  }
  ceilDiv(o: Dim): Dim {
    return divide(this, o, 'ceil');
  }

  equals(o: Dim): boolean {
    return !this.unknown && !o.unknown && this.toString() === o.toString();
  }

  /** Names of all named dims occurring in this dim. */
  symbols(into = new Set<string>()): Set<string> {
    for (const t of this.terms) for (const a of t.atoms) atomSymbols(a, into);
    return into;
  }

  /** Replaces named dims by their bindings and renormalises. */
  substitute(bindings: ReadonlyMap<string, Dim>): Dim {
    if (this.unknown || bindings.size === 0) return this;
    let out = Dim.const(0);
    for (const t of this.terms) {
      let term = Dim.const(t.coef);
      for (const a of t.atoms) {
        const v = a.kind === 'sym'
          ? bindings.get(a.name) ?? Dim.sym(a.name)
          : divide(a.num.substitute(bindings), a.den.substitute(bindings), a.mode);
        term = term.mul(v);
      }
      out = out.add(term);
    }
    return out;
  }

  private cached?: string;
  toString(): string {
    if (this.unknown) return '?';
    if (this.cached !== undefined) return this.cached;
    const consts = this.terms.filter((t) => t.atoms.length === 0);
    const rest = this.terms.filter((t) => t.atoms.length > 0);
    let s = '';
    for (const t of [...rest, ...consts]) {
      const mag = Math.abs(t.coef);
      const alone = mag === 1 && t.atoms.length === 1;
      const body = t.atoms.length === 0 ? String(mag) : (mag === 1 ? '' : `${mag}*`) + t.atoms.map((a) => atomString(a, !alone)).join('*');
      s += s === '' ? (t.coef < 0 ? `-${body}` : body) : t.coef < 0 ? ` - ${body}` : ` + ${body}`;
    }
    return (this.cached = s === '' ? '0' : s);
  }
}

function mulTerms(a: Term, b: Term): Term {
  if (a.atoms.length + b.atoms.length > MAX_DIM_FACTORS) throw new DimTooComplex('factors');
  const atoms = [...a.atoms, ...b.atoms].sort((x, y) => (atomString(x) < atomString(y) ? -1 : 1));
  return { atoms, key: atoms.map((a) => atomString(a)).join('*'), coef: safe(a.coef * b.coef) };
}

/** `inProduct`: a floor division multiplied by something needs parentheses to read right. */
function atomString(a: Atom, inProduct = true): string {
  if (a.kind === 'sym') return a.name;
  const wrap = (d: Dim) => (d.terms.length === 1 && d.terms[0]!.coef > 0 && d.terms[0]!.atoms.length <= 1 ? d.toString() : `(${d})`);
  const q = `${wrap(a.num)}/${wrap(a.den)}`;
  if (a.mode === 'ceil') return `ceil(${q})`;
  return inProduct ? `(${q})` : q;
}

function atomSymbols(a: Atom, into: Set<string>): void {
  if (a.kind === 'sym') into.add(a.name);
  else {
    a.num.symbols(into);
    a.den.symbols(into);
  }
}

function floorInt(n: number, k: number): number {
  return Math.floor(n / k);
}

function divide(num: Dim, den: Dim, mode: 'floor' | 'ceil'): Dim {
  if (num.unknown || den.unknown) return Dim.UNKNOWN;
  const k = den.value;
  if (k === 0) return Dim.UNKNOWN;
  if (k !== undefined) {
    if (k < 0) return divide(num.neg(), den.neg(), mode);
    if (k === 1) return num;
    // Terms whose coefficient k divides come out exactly; the constant moves into [0, k).
    let exact = Dim.const(0);
    const remainder: Term[] = [];
    for (const t of num.terms) {
      if (t.atoms.length === 0) {
        const r = ((t.coef % k) + k) % k;
        exact = exact.add(Dim.const((t.coef - r) / k));
        if (r) remainder.push({ ...t, coef: r });
      } else if (t.coef % k === 0) {
        exact = exact.add(fromTermList([{ ...t, coef: t.coef / k }]));
      } else remainder.push(t);
    }
    const rem = Dim.const(0).add(fromTermList(remainder));
    if (rem.isConst()) {
      const r = rem.value!;
      return exact.add(Dim.const(mode === 'floor' ? floorInt(r, k) : Math.ceil(r / k)));
    }
    return exact.add(atomDim({ kind: 'div', mode, num: rem, den }));
  }
  // Symbolic divisor: exact when it divides every term, else an opaque atom.
  const q = exactQuotient(num, den);
  return q ?? atomDim({ kind: 'div', mode, num, den });
}

function fromTermList(terms: Term[]): Dim {
  let d = Dim.const(0);
  for (const t of terms) {
    let m = Dim.const(t.coef);
    for (const a of t.atoms) m = m.mul(atomDim(a));
    d = d.add(m);
  }
  return d;
}

function atomDim(a: Atom): Dim {
  if (a.kind === 'sym') return Dim.sym(a.name);
  return Dim.fromTerms([{ atoms: [a], key: atomString(a), coef: 1 }]);
}

function exactQuotient(num: Dim, den: Dim): Dim | undefined {
  if (den.terms.length !== 1) return num.equals(den) ? Dim.const(1) : undefined;
  const d = den.terms[0]!;
  const out: Term[] = [];
  for (const t of num.terms) {
    const rest = [...t.atoms];
    for (const a of d.atoms) {
      const i = rest.findIndex((x) => atomString(x) === atomString(a));
      if (i < 0) return undefined;
      rest.splice(i, 1);
    }
    if (t.coef % d.coef !== 0) return undefined;
    out.push({ atoms: rest, key: rest.map((a) => atomString(a)).join('*'), coef: t.coef / d.coef });
  }
  return fromTermList(out);
}
