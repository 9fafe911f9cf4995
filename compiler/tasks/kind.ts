// A task kind as the compiler knows it: its schema (what the checker, the LSP and the docs
// read), the agreement rules beyond the schema, the lowering of its checked fields to the
// plain data its runtime procedure takes, and what the emitter and the interpreter pass that
// procedure besides. runtime/interpret/task-kinds.ts pairs each entry with its procedure and
// checks there that the lowering's type is the procedure's `fields` type.
import type { ParamSpec, TaskIR } from '../ir.js';
import type { FitCtx } from './fit.js';

export interface TaskSchema {
  kind: string;
  module: 'core' | string;
  doc: string;
  /** Whether the subject names a model to act on (train) or only the task. */
  subjectIsModel: boolean;
  /** What the data must give the subject model: examples (x and y, checked against its input,
   *  its output and the loss; the default) or only inputs (x, or an array of samples). */
  subjectData?: 'examples' | 'inputs';
  needsData: boolean;
  fields: readonly ParamSpec[];
}

/** An argument of the procedure besides name, baseDir, data (the task's `on`) and fields. */
export type TaskInput =
  /** The subject model, built once the data are loaded (named dims such as `vocab` come from them). */
  | { kind: 'subject' }
  /** A model field, as a function that builds it. */
  | { kind: 'model'; field: string }
  /** A data field, loaded; `optional` ones are undefined where the field is null. */
  | { kind: 'data'; field: string; optional?: true };

export type TaskInputs = Readonly<Record<string, TaskInput>>;

export interface TaskKind<K extends string = string, F = unknown, I extends TaskInputs = TaskInputs> extends TaskSchema {
  kind: K;
  /** Agreement of the fields' models with each other and with the data, after the schema's
   *  checks passed (a subject model against the data is checked for every kind). */
  fit?: (c: FitCtx) => boolean;
  /** The checked fields as the procedure's `fields`. */
  lower: (task: TaskIR) => F;
  /** The procedure: `procedure` exported by runtime/tasks/`module`.ts, called with
   *  `{ name, baseDir, data, ...data inputs, fields, ...model inputs }` and the session. */
  runtime: { module: string; procedure: string };
  inputs: I;
}

/** Declares a kind, keeping the literal types of its name and inputs for the runtime's table. */
export const defineTaskKind = <const K extends string, F, const I extends TaskInputs>(k: TaskKind<K, F, I>): TaskKind<K, F, I> => k;
