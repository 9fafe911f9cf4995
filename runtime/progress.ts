// Training progress: a bar per epoch (step, loss, metrics, ETA) on a terminal, one line per
// epoch otherwise (logs, CI, pipes).
import cliProgress from 'cli-progress';

export interface Reporter {
  /** A line for the log (stdout). */
  line(s: string): void;
  epochStart(epoch: number, epochs: number, steps: number): void;
  step(step: number, values: Record<string, number>): void;
  epochEnd(): void;
}

export const fmt = (values: Record<string, number>) =>
  Object.entries(values).map(([k, v]) => `${k} ${Number.isFinite(v) ? (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2)) : String(v)}`).join('  ');

export function consoleReporter(out: NodeJS.WriteStream = process.stdout, err: NodeJS.WriteStream = process.stderr): Reporter {
  let bar: cliProgress.SingleBar | undefined;
  return {
    line: (s) => out.write(s + '\n'),
    epochStart(epoch, epochs, steps) {
      if (!err.isTTY) return;
      bar = new cliProgress.SingleBar({
        stream: err, format: `epoch ${epoch}/${epochs} [{bar}] {value}/{total} {metrics} ETA {eta_formatted}`,
        barsize: 24, hideCursor: true, clearOnComplete: true, etaBuffer: 20,
      }, cliProgress.Presets.shades_classic);
      bar.start(steps, 0, { metrics: '' });
    },
    step(step, values) {
      bar?.update(step, { metrics: fmt(values) });
    },
    epochEnd() {
      bar?.stop();
      bar = undefined;
    },
  };
}

export const silentReporter: Reporter = { line: () => {}, epochStart: () => {}, step: () => {}, epochEnd: () => {} };
