// What every task procedure returns: how it ended, a message for the user, and the figure
// it beat (or not).
export interface Baseline { name: string; metric: string; baseline: number; model: number }

export interface TaskOutcome {
  status: 'done' | 'early_stopped' | 'nan' | 'interrupted';
  message: string;
  baseline?: Baseline;
  /** A model of several outputs: the baseline of each output that has one. */
  baselines?: Baseline[];
}
