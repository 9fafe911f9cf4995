// `--task`: which of a program's tasks to run, for `nnc run` and emitted programs alike. No
// imports, so the CLI can use it without loading tfjs.
export interface TaskRef { kind: string; name: string }

/** Whether `--task FILTER` selects the task: by name (`CharLstm`), by kind
 *  (`generate_text`) or both (`generate_text:CharLstm`). */
export function taskSelected(filter: string, t: TaskRef): boolean {
  const colon = filter.indexOf(':');
  if (colon >= 0) return t.kind === filter.slice(0, colon) && t.name === filter.slice(colon + 1);
  return t.name === filter || t.kind === filter;
}

/** "train:Forecaster, gan:Duel" (or "none"), for the message when a filter matches nothing. */
export const taskList = (tasks: readonly TaskRef[]): string => tasks.map((t) => `${t.kind}:${t.name}`).join(', ') || 'none';
