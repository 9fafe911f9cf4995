// The task fields that name files or folders, defined once: their type says whether the task
// writes or reads there, so the checker can warn about a path that leaves the project
// (W0421, compiler/check/paths.ts).
import type { ParamSpec } from '../ir.js';

/** `save`: the folder (or file) a task writes. */
export const saveSpec = (doc: string): ParamSpec => ({ name: 'save', type: { kind: 'string', path: 'write' }, doc, default: { kind: 'null' } });

/** A trained model's folder a task reads (`checkpoint`, `weights`). */
export const modelFolderSpec = (name: 'checkpoint' | 'weights', doc: string): ParamSpec =>
  ({ name, type: { kind: 'string', path: 'read' }, doc, default: { kind: 'null' } });

/** The doc of `checkpoint` where it names a train task's output folder. */
export const TRAINED_CHECKPOINT_DOC = 'Folder of the trained model (a train task\'s output folder), relative to the .nn file. Default: the `save` of this file\'s train task for the same model.';
