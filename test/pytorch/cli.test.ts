// `nnc compile --target pytorch` from the command line: the package it writes compiles
// (py_compile), trains with `python3 train.py` and with a 2-process `torchrun` (gloo), keeps
// hostile names and strings inert, and what PyTorch cannot express is E0501, not Python.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAS_TORCH, NO_TORCH, python } from './harness.js';

const nnc = (...args: string[]) => {
  const r = spawnSync(process.execPath, [resolve('bin/nnc.js'), ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const HOSTILE = 'q\'"`\\"""${x}\\u2028 é\n';

/** A project with a noisy sine series and a forecaster over its windows. */
function project(nn: string) {
  const dir = mkdtempSync(join(tmpdir(), 'nnc-torch-cli-'));
  const rows = Array.from({ length: 400 }, (_, i) => `${(Math.sin(i / 6) + 0.1 * Math.sin(i * 7.3)).toFixed(4)}`);
  writeFileSync(join(dir, 'series.csv'), `value\n${rows.join('\n')}\n`);
  writeFileSync(join(dir, 'm.nn'), nn);
  return dir;
}

const FORECASTER = `
/// Doc with """ and \\ and ${'${x}'} and é;
/// a second line.
model Forecaster {
  input x: [batch, 12, 1]
  lambda = x -> conv1d(4, 3, padding: causal)
  forward = lambda -> lstm(8)
  self = forward -> dense(1)
}

data waves = windows(csv("series.csv", columns: ["value"]), lookback: 12, horizon: 1)

train Forecaster on waves {
  loss: mse
  optimizer: adam(lr: 0.01)
  epochs: 6
  batch_size: 16
  validation_split: 0.25
  metrics: [mae]
  early_stopping: { patience: 3 }
  seed: 3
  save: ${JSON.stringify('out/' + HOSTILE)}
}
`;

const history = (dir: string) => (JSON.parse(readFileSync(join(dir, 'out', HOSTILE, 'metrics.json'), 'utf8')) as { history: { loss: number; val_loss: number }[] }).history;

describe.skipIf(!HAS_TORCH)('nnc compile --target pytorch', () => {
  it('writes a package that py_compile accepts, with the source\'s names and strings inert', () => {
    const dir = project(FORECASTER);
    const r = nnc('compile', join(dir, 'm.nn'), '--target', 'pytorch', '-o', join(dir, 'py'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const files = readdirSync(join(dir, 'py')).filter((f) => f.endsWith('.py'));
    expect(files.sort()).toEqual(['model.py', 'nnc_keras.py', 'nnc_recurrent.py', 'nnc_train.py', 'nnc_weights.py', 'train.py', 'weights.py']);
    const compiled = python(['-m', 'py_compile', ...files.map((f) => join(dir, 'py', f))]);
    expect(compiled.stderr).toBe('');
    // The names a Python module cannot take as they are get a trailing _; the doc and the
    // save path come back as written.
    const model = readFileSync(join(dir, 'py', 'model.py'), 'utf8');
    expect(model).toMatch(/self\.lambda_ = K\.Conv\(/);
    expect(model).toMatch(/self\.forward_ = R\.Recurrent\(/);
    const probe = python(['-c', 'import inspect, json, model, train; print(json.dumps([inspect.getdoc(model.Forecaster), train.TASKS[0]["save"]]))'], join(dir, 'py'));
    expect(probe.stderr).toBe('');
    expect(JSON.parse(probe.stdout)).toEqual(['Doc with """ and \\ and ${x} and é;\na second line.', `out/${HOSTILE}`]);
  });

  it('trains with python3 train.py and with torchrun --nproc_per_node=2 (gloo)', () => {
    const dir = project(FORECASTER);
    expect(nnc('compile', join(dir, 'm.nn'), '--target', 'pytorch', '-o', join(dir, 'py')).code).toBe(0);
    const py = join(dir, 'py');
    const one = python(['train.py'], py);
    expect(one.stderr).toBe('');
    expect(one.stdout).toMatch(/epoch 1\/6 {2}loss [\d.e-]+ {2}mae/);
    const single = history(py);
    expect(single.at(-1)!.loss).toBeLessThan(single[0]!.loss);
    expect(existsSync(join(py, 'out', HOSTILE, 'model.pt'))).toBe(true);
    // Debian's torch 1.13 on Python 3.11 cannot parse torchrun's default --redirects; naming
    // the streams avoids the broken default (docs/pytorch.md).
    const two = spawnSync('torchrun', ['--nproc_per_node=2', '--redirects', '2', '--tee', '1', 'train.py'], { cwd: py, encoding: 'utf8', timeout: 240_000 });
    expect(two.status, two.stderr).toBe(0);
    expect(two.stdout).toMatch(/2 process\(es\)/);
    const ddp = history(py);
    expect(ddp.at(-1)!.loss).toBeLessThan(ddp[0]!.loss);
    // The same global batch and epochs: the two runs end near each other.
    expect(Math.abs(Math.log(ddp.at(-1)!.val_loss / single.at(-1)!.val_loss))).toBeLessThan(Math.log(3));
  }, 300_000);

  it('resumes: --resume continues after the last saved epoch, on one process and on two', () => {
    const dir = project(FORECASTER.replace('early_stopping: { patience: 3 }', ''));
    expect(nnc('compile', join(dir, 'm.nn'), '--target', 'pytorch', '-o', join(dir, 'py')).code).toBe(0);
    const py = join(dir, 'py');
    expect(python(['train.py', '--epochs', '2'], py).code).toBe(0);
    const more = python(['train.py', '--epochs', '3', '--resume'], py);
    expect(more.stderr).toBe('');
    expect(more.stdout).toMatch(/resuming after epoch 2\n/);
    expect(more.stdout).not.toMatch(/epoch [12]\/3/);
    expect(history(py)).toHaveLength(3);
    const two = spawnSync('torchrun', ['--nproc_per_node=2', '--redirects', '2', '--tee', '1', 'train.py', '--epochs', '4', '--resume'], { cwd: py, encoding: 'utf8', timeout: 240_000 });
    expect(two.status, two.stderr).toBe(0);
    expect(two.stdout).toMatch(/resuming after epoch 3\n/);
    expect(history(py)).toHaveLength(4);
  }, 300_000);

  it('exports validation_data beside the training data and validates on it', () => {
    const dir = project(`
model M {
  input x: [batch, 12, 1]
  flatten
  dense(1)
}
data waves = windows(csv("series.csv", columns: ["value"]), lookback: 12, horizon: 1)
data later = windows(csv("later.csv", columns: ["value"]), lookback: 12, horizon: 1)
train M on waves { loss: mse
  validation_data: later
  epochs: 1 }
`);
    writeFileSync(join(dir, 'later.csv'), `value\n${Array.from({ length: 40 }, (_, i) => Math.cos(i / 5).toFixed(4)).join('\n')}\n`);
    const r = nnc('compile', join(dir, 'm.nn'), '--target', 'pytorch', '-o', join(dir, 'py'));
    expect(r.stderr).toBe('');
    expect(readdirSync(join(dir, 'py', 'data', 'waves')).sort()).toEqual(['validation_x.npy', 'validation_y.npy', 'x.npy', 'y.npy']);
    const run = python(['train.py'], join(dir, 'py'));
    expect(run.stderr).toBe('');
    // 388 windows train, the 28 of later.csv validate.
    expect(run.stdout).toMatch(/388 samples of \[12, 1\]/);
    expect(run.stdout).toMatch(/val_loss [\d.e-]+/);
  });

  it('carries weights both ways: an nnc checkpoint to a state_dict, and torch\'s back to one nnc resumes', () => {
    const dir = project(FORECASTER);
    expect(nnc('compile', join(dir, 'm.nn'), '--target', 'pytorch', '-o', join(dir, 'py')).code).toBe(0);
    const run = nnc('run', join(dir, 'm.nn'), '--out', join(dir, 'ck'));
    expect(run.code, run.stderr).toBe(0);
    const py = join(dir, 'py');
    const from = python(['weights.py', 'from-tfjs', 'Forecaster', join(dir, 'ck'), 'from_nnc.pt'], py);
    expect(from.code, from.stderr).toBe(0);
    const keys = python(['-c', 'import torch; print(" ".join(sorted(torch.load("from_nnc.pt"))))'], py);
    expect(keys.stdout.trim()).toBe('forward_.rnn.bias_hh_l0 forward_.rnn.bias_ih_l0 forward_.rnn.weight_hh_l0 forward_.rnn.weight_ih_l0 lambda_.conv.bias lambda_.conv.weight self_.bias self_.weight');
    expect(python(['train.py', '--epochs', '1'], py).code).toBe(0);
    const to = python(['weights.py', 'to-tfjs', 'Forecaster', join('out', HOSTILE, 'model.pt'), '--like', join(dir, 'ck'), '-o', join(dir, 'back')], py);
    expect(to.code, to.stderr).toBe(0);
    const resumed = nnc('run', join(dir, 'm.nn'), '--out', join(dir, 'back'), '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/val_mae: model [\d.]+/);
  }, 120_000);

  it('refuses what PyTorch cannot express with E0501, writing nothing', () => {
    const dir = project(`
model M {
  input x: [batch, 12, 1]
  flatten
  dense(1)
}
model Tagger {
  input words: int32[batch, 10]
  embedding(100, 8, mask_zero: true)
  lstm(8)
}
data waves = windows(csv("series.csv", columns: ["value"]), lookback: 12, horizon: 1)
train M on waves { loss: mse }
`);
    const r = nnc('compile', join(dir, 'm.nn'), '--target', 'pytorch', '-o', join(dir, 'py'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error E0501: not expressible in PyTorch: Tagger\.embedding_1: embedding with mask_zero/);
    expect(existsSync(join(dir, 'py'))).toBe(false);
  });
});

describe.skipIf(HAS_TORCH)('nnc compile --target pytorch', () => {
  it(NO_TORCH, () => {});
});
