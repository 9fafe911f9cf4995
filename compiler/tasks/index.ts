// The task kinds: one entry each (kinds/KIND.ts), read by the checker, the LSP, the docs and
// the emitter; runtime/interpret/task-kinds.ts gives each its procedure. Adding a kind: see
// docs/architecture.md, "Adding a task kind".
import type { TaskInputs, TaskKind } from './kind.js';
import { dream } from './kinds/dream.js';
import { evaluate } from './kinds/evaluate.js';
import { gan } from './kinds/gan.js';
import { predict } from './kinds/predict.js';
import { generateText } from './kinds/generate-text.js';
import { styleTransfer } from './kinds/style-transfer.js';
import { train } from './kinds/train.js';
import { vae } from './kinds/vae.js';

/** Each entry under its kind's name (checked), in the order completion and the docs list them. */
const table = <T extends { [K in keyof T]: TaskKind<K & string, unknown, TaskInputs> }>(t: T): T => t;

export const TASK_KINDS = table({ train, evaluate, predict, vae, generate_text: generateText, gan, dream, style_transfer: styleTransfer });

export type TaskKindName = keyof typeof TASK_KINDS;

export const TASKS: ReadonlyMap<string, TaskKind> = new Map(Object.values(TASK_KINDS).map((k) => [k.kind, k]));
