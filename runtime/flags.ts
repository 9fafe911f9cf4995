// The flags of a run, defined once: `nnc run` declares them to commander from this table, and
// emitted programs parse their argv with it (this file is copied with the runtime). It
// imports nothing, so the CLI can read it without loading tfjs.

export interface RunFlags {
  backend?: string;
  seed?: number;
  resume: boolean;
  /** Output folder for all tasks (overrides each task's `save`). */
  out?: string;
  /** Run only the tasks this selects (`--task NAME|KIND|KIND:NAME`); all without it. */
  task?: string;
}

export interface RunFlagDef {
  /** `--name`, and its key in RunFlags. */
  readonly name: keyof RunFlags;
  /** A switch, or a flag with a value (an int is checked to be one). */
  readonly type: 'bool' | 'string' | 'int';
  /** The value's placeholder in the help: `--seed <n>`. */
  readonly value?: string;
  readonly default?: boolean;
  readonly help: string;
}

/** In the order `nnc run --help` lists them. */
export const RUN_FLAGS: readonly RunFlagDef[] = [
  { name: 'backend', type: 'string', value: 'name', help: 'auto, tensorflow, wasm or cpu (default: $NNC_BACKEND or auto; wasm threads: $NNC_THREADS or one per core)' },
  { name: 'seed', type: 'int', value: 'n', help: 'random seed (overrides the tasks\' seed)' },
  { name: 'resume', type: 'bool', default: false, help: 'continue from the checkpoint in the output folder' },
  { name: 'task', type: 'string', value: 'name', help: 'run only the tasks of this name or kind (KIND:NAME for one)' },
  { name: 'out', type: 'string', value: 'dir', help: 'output folder (overrides the tasks\' save)' },
];

/** The flag as commander declares it: `--seed <n>`, `--resume`. */
export const flagSyntax = (f: RunFlagDef): string => (f.value ? `--${f.name} <${f.value}>` : `--${f.name}`);

/** Flags read, or the one-line message of the first bad one. */
export type FlagsRead = { flags: RunFlags } | { error: string };

type Raw = Partial<Record<RunFlagDef['name'], string | boolean>>;

/** Why a flag's value is bad, if it is: an int flag's must be an integer. */
function badValue(f: RunFlagDef, v: string): string | undefined {
  return f.type === 'int' && !Number.isInteger(Number(v)) ? `--${f.name} must be an integer, not ${v}` : undefined;
}

/** RunFlags from the flags' raw values (strings, or true for a switch). */
function typed(raw: Raw): FlagsRead {
  for (const f of RUN_FLAGS) {
    const v = raw[f.name];
    const error = typeof v === 'string' ? badValue(f, v) : undefined;
    if (error) return { error };
  }
  const str = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);
  const seed = str(raw.seed);
  return { flags: { backend: str(raw.backend), seed: seed === undefined ? undefined : Number(seed), resume: raw.resume === true, out: str(raw.out), task: str(raw.task) } };
}

/** What commander parsed for `nnc run` (values as strings), typed as a session takes them. */
export function runFlagsFrom(options: Raw): FlagsRead {
  return typed(options);
}

/** `--backend wasm --seed 3 --resume --out DIR --task NAME`, as `nnc run` takes them: an
 *  emitted program's argv. */
export function parseRunFlags(argv: readonly string[]): FlagsRead {
  const raw: Raw = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const f = RUN_FLAGS.find((k) => a === `--${k.name}`);
    if (!f) return { error: `unknown option ${a} (options: ${RUN_FLAGS.map((k) => `--${k.name}`).join(', ')})` };
    if (f.type === 'bool') {
      raw[f.name] = true;
      continue;
    }
    const v = argv[++i];
    if (v === undefined) return { error: `${a} needs a value` };
    const error = badValue(f, v);
    if (error) return { error };
    raw[f.name] = v;
  }
  return typed(raw);
}
