// `nnc run` end to end, as a user runs it: a .nn file over a CSV it made, on the cpu backend.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nnc } from '../cli.js';

/** A folder with a sine series in series.csv and a forecaster over it. */
function project(csv?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'nnc-run-'));
  const rows = Array.from({ length: 300 }, (_, i) => `${i},${Math.sin(i / 8).toFixed(4)}`);
  writeFileSync(join(dir, 'series.csv'), csv ?? `t,value\n${rows.join('\n')}\n`);
  writeFileSync(join(dir, 'sine.nn'), `
model Forecaster {
  input x: [batch, 12, 1]
  gru(8)
  dense(1)
}

data waves = windows(csv("series.csv", columns: ["value"]), lookback: 12, horizon: 1)

train Forecaster on waves {
  loss: mse
  optimizer: adam(lr: 0.01)
  epochs: 3
  batch_size: 16
  validation_split: 0.2
  metrics: [mae]
  save: "out"
}
`);
  return dir;
}

describe('nnc run', () => {
  it('ends quietly with 141 when its output pipe closes (nnc run x | head)', async () => {
    const dir = project();
    const child = spawn(process.execPath, ['bin/nnc.js', 'run', join(dir, 'sine.nn')], { env: { ...process.env, NNC_BACKEND: '' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    // Like head -1: read the first line, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(141);
    expect(stderr).toBe('');
  });

  it('auto prints what it picked and why it passed over the backends before it', () => {
    const dir = project();
    writeFileSync(join(dir, 'sine.nn'), readFileSync(join(dir, 'sine.nn'), 'utf8').replace('epochs: 3', 'epochs: 1'));
    const r = nnc('run', join(dir, 'sine.nn'), '--seed', '3');
    expect(r.code).toBe(0);
    const [, picked] = /^backend: (\w+) \(.+\)$/m.exec(r.stdout) ?? [];
    // wasm or cpu only after tensorflow and webgpu were passed over, each with its reason
    // (on a machine without a GPU: no device files; with one: what its Vulkan setup lacks).
    if (picked === 'wasm' || picked === 'cpu') expect(r.stdout).toMatch(/^backend: \w+ \(.+\)\n {2}auto passed over tensorflow \(.+\); webgpu \((no GPU device: neither \/dev\/dri\/renderD\* nor \/dev\/nvidia0|.+ present, but .+)\)$/m);
    else expect(picked).toMatch(/^(tensorflow|webgpu)$/);
  });

  it('--backend webgpu where no Vulkan driver answers: one line saying what is missing', () => {
    const dir = project();
    // A manifest list naming no file: the Vulkan loader finds no driver, as on a machine without one.
    const r = spawnSync(process.execPath, ['bin/nnc.js', 'run', join(dir, 'sine.nn'), '--backend', 'webgpu'], { encoding: 'utf8', env: { ...process.env, NNC_BACKEND: '', VK_DRIVER_FILES: join(dir, 'none.json') } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^nnc: backend 'webgpu' cannot load \((no WebGPU adapter \((no GPU device: neither \/dev\/dri\/renderD\* nor \/dev\/nvidia0; |.+ present, but .+: )Dawn found no adapter\)|webgpu is not installed)\); it needs .+ and a Vulkan driver .+$/m);
  });

  it('trains, prints the backend, one line per epoch and the baseline, and writes its outputs', () => {
    const dir = project();
    const r = nnc('run', join(dir, 'sine.nn'), '--backend', 'cpu', '--seed', '3');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^backend: cpu/);
    expect(r.stdout).toMatch(/train Forecaster: 288 samples of \[12, 1\], seed 3/);
    expect(r.stdout).toMatch(/epoch 3\/3 +loss \d/);
    expect(r.stdout).toMatch(/val_mae: model [\d.]+ vs naive last value [\d.]+/);
    for (const f of ['model.json', 'metrics.json', 'loss.svg']) expect(existsSync(join(dir, 'out', f))).toBe(true);
    const m = JSON.parse(readFileSync(join(dir, 'out', 'metrics.json'), 'utf8'));
    expect(m.history.length).toBe(3);
    expect(m.history[2].loss).toBeLessThan(m.history[0].loss);
    // --resume with all epochs done: nothing more to train, the history is kept.
    const again = nnc('run', join(dir, 'sine.nn'), '--backend', 'cpu', '--resume');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/resuming Forecaster from .* after epoch 3/);
  });

  it('Ctrl-C saves a checkpoint and exits 130; --resume continues from it', async () => {
    const dir = project();
    writeFileSync(join(dir, 'sine.nn'), readFileSync(join(dir, 'sine.nn'), 'utf8').replace('epochs: 3', 'epochs: 200'));
    const child = spawn(process.execPath, ['bin/nnc.js', 'run', join(dir, 'sine.nn'), '--backend', 'cpu'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', sent = false;
    child.stderr.on('data', (b: Buffer) => { stderr += b; });
    const code = await new Promise<number | null>((done) => {
      child.stdout.on('data', (b: Buffer) => {
        stdout += b;
        if (!sent && /epoch 2\/200/.test(stdout)) sent = child.kill('SIGINT'); // once: a second Ctrl-C quits at once
      });
      child.on('exit', (c) => done(c));
    });
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupt: finishing this step and saving a checkpoint/);
    expect(stdout).toMatch(/interrupted in epoch \d+; the weights so far are saved/);
    // Two more epochs after the interrupted one.
    const done = Number(/interrupted in epoch (\d+)/.exec(stdout)![1]) - 1;
    writeFileSync(join(dir, 'sine.nn'), readFileSync(join(dir, 'sine.nn'), 'utf8').replace('epochs: 200', `epochs: ${done + 2}`));
    const r = nnc('run', join(dir, 'sine.nn'), '--backend', 'cpu', '--resume');
    expect(r.stdout).toMatch(new RegExp(`resuming Forecaster from .* after epoch ${done}`));
    expect(r.stdout).toMatch(new RegExp(`epoch ${done + 2}/${done + 2}`));
    expect(r.code).toBe(0);
  });

  it('bad data is one line naming the file and row, before training', () => {
    // Past the rows the checker reads (64 KiB), so the reader finds it.
    const good = Array.from({ length: 9000 }, (_, i) => `${i},0.5`).join('\n');
    const dir = project(`t,value\n${good}\n9000,oops\n`);
    const r = nnc('run', join(dir, 'sine.nn'), '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^nnc: .*series\.csv:9002: column 'value' is "oops", not a number/);
  });

  it('a corrupt checkpoint with --resume is one line', () => {
    const dir = project();
    expect(nnc('run', join(dir, 'sine.nn'), '--backend', 'cpu').code).toBe(0);
    writeFileSync(join(dir, 'out', 'model.json'), '{"modelTopology": ');
    const r = nnc('run', join(dir, 'sine.nn'), '--backend', 'cpu', '--resume');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nnc: .*model\.json is not a readable model/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an unknown backend and a missing file are one-line errors', () => {
    const a = nnc('run', 'examples/seed/lstm.nn', '--backend', 'gpu');
    expect(a.stderr).toMatch(/^nnc: unknown backend 'gpu' \(choose auto, tensorflow, webgpu, wasm, cpu\)\n$/);
    const b = nnc('run', 'nope.nn');
    expect(b.code).toBe(2);
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
    const c = nnc('run', 'examples/seed/lstm.nn', '--backend', 'tensorflow');
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/^nnc: backend 'tensorflow' cannot load .*npm install @tensorflow\/tfjs-node/);
  });

  it('source errors are diagnostics with file:line:col, and nothing runs', () => {
    const dir = project();
    writeFileSync(join(dir, 'bad.nn'), 'model M {\n  input x: [b, 4]\n  lstm(3)\n}\n');
    const r = nnc('run', join(dir, 'bad.nn'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.nn\(3,3\): error E0302/);
    expect(r.stdout).toBe('');
  });
});

describe('the output folder is checked before any data are loaded', () => {
  it('--out naming a file, /proc/x (run and compile), a read-only folder: one line, exit 2, nothing trained', () => {
    const dir = project();
    const file = join(dir, 'series.csv');
    const cases: [string[], RegExp][] = [
      [['run', join(dir, 'sine.nn'), '--backend', 'cpu', '--out', file], /^nnc: the output folder \S+series\.csv is an existing file; name a folder\n$/],
      [['run', join(dir, 'sine.nn'), '--backend', 'cpu', '--out', '/proc/x'], /^nnc: cannot create the folder \/proc\/x: folders cannot be created there\n$/],
      [['compile', join(dir, 'sine.nn'), '-o', '/proc/x/y'], /^nnc: cannot create the folder \/proc\/x\/y: folders cannot be created there\n$/],
    ];
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    // root writes anywhere: the read-only case only means something for other users.
    if (process.getuid?.() !== 0) cases.push([['run', join(dir, 'sine.nn'), '--backend', 'cpu', '--out', join(ro, 'out')], /^nnc: cannot create the folder \S+\/ro\/out: permission denied\n$/]);
    for (const [args, line] of cases) {
      const r = nnc(...args);
      expect(r.stderr, args.join(' ')).toMatch(line);
      expect(r.code).toBe(2);
      expect(r.stdout).not.toMatch(/epoch/);
    }
  });
});

describe('data files are regular files', () => {
  it('a CSV path that is a named pipe is refused by the checker, before any reading (it would block forever)', () => {
    const dir = project();
    rmSync(join(dir, 'series.csv'));
    spawnSync('mkfifo', [join(dir, 'series.csv')]);
    for (const args of [['check'], ['run', '--backend', 'cpu']]) {
      const r = nnc(args[0]!, join(dir, 'sine.nn'), ...args.slice(1));
      expect(r.code, args[0]).toBe(1);
      expect(r.stderr).toMatch(/error E0420: data file cannot be read: cannot read series\.csv: it is a named pipe \(FIFO\), not a file; nnc reads data from regular files/);
      expect(r.stdout).not.toMatch(/epoch/);
    }
  });

  it('a folder where a data file belongs, and a file where a folder of classes belongs, are E0420', () => {
    const dir = project();
    rmSync(join(dir, 'series.csv'));
    mkdirSync(join(dir, 'series.csv'));
    expect(nnc('check', join(dir, 'sine.nn')).stderr).toMatch(/error E0420: data file cannot be read: cannot read series\.csv: it is a folder, not a file/);
    writeFileSync(join(dir, 'pics.nn'), 'data pics = image_folder("sine.nn", height: 8, width: 8)\n');
    expect(nnc('check', join(dir, 'pics.nn')).stderr).toMatch(/error E0420: data file cannot be read: cannot read sine\.nn: it is a file, not a folder/);
  });
});

describe('data that cannot fit memory', () => {
  it('a CSV read whole that would not fit the heap is one line with the figure, before the parse', () => {
    // 2M rows of six one-digit cells (24 MB): ~340 MB of heap to read whole, twice a 160 MB heap.
    const dir = project();
    writeFileSync(join(dir, 'wide.csv'), `a,b,c,d,e,f\n${'1,2,3,4,5,6\n'.repeat(2_000_000)}`);
    writeFileSync(join(dir, 'wide.nn'), `
model Line {
  input x: [batch, 5]
  dense(1)
}
data rows = csv("wide.csv", x: ["a", "b", "c", "d", "e"], y: "f", stream: false)
train Line on rows {
  loss: mse
  optimizer: adam()
  epochs: 1
}
`);
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['--max-old-space-size=160', 'bin/nnc.js', 'run', join(dir, 'wide.nn'), '--backend', 'cpu'], { encoding: 'utf8', env: { ...process.env, NNC_BACKEND: '' } });
    expect(r.stderr).toMatch(/^nnc: \S+wide\.csv \(23 MB\) needs ~\d+ MB of memory to read whole, more than the \d+ MB of heap this process has left; stream it: csv\(\.\.\., stream: true\), or give Node more heap: NODE_OPTIONS=--max-old-space-size=\d+\n$/);
    expect(r.status).toBe(2);
    expect(r.stdout).not.toMatch(/epoch/);
    expect(Date.now() - t0).toBeLessThan(30_000);
  });
});

describe('Ctrl-C while data load', () => {
  it('ends the run at once: no listener waits for a synchronous load to finish', async () => {
    // About 40 MB of rows: several seconds to parse, long past the interrupt.
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i},${Math.sin(i / 8).toFixed(6)},${'1234567890'.repeat(18)}`).join('\n');
    const dir = project(`t,value,pad\n${rows}\n`);
    const child = spawn(process.execPath, ['bin/nnc.js', 'run', join(dir, 'sine.nn'), '--backend', 'cpu'], { env: { ...process.env, NNC_BACKEND: '' } });
    let stdout = '';
    let interruptedAt = 0;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
    child.stdout.on('data', (b: Buffer) => {
      stdout += b;
      if (!interruptedAt && /^backend: /m.test(stdout)) setTimeout(() => { interruptedAt = Date.now(); child.kill('SIGINT'); }, 300);
    });
    const { signal } = await exited;
    expect(signal).toBe('SIGINT');
    expect(Date.now() - interruptedAt).toBeLessThan(1000);
    expect(stdout).not.toMatch(/epoch/);
  }, 60_000);
});

describe('one run per output folder', () => {
  it('a second run on a folder another run is writing refuses at once; a killed run\'s lock is taken over at once', async () => {
    const dir = project();
    writeFileSync(join(dir, 'long.nn'), readFileSync(join(dir, 'sine.nn'), 'utf8').replace('epochs: 3', 'epochs: 500'));
    const first = spawn(process.execPath, ['bin/nnc.js', 'run', join(dir, 'long.nn'), '--backend', 'cpu', '--out', join(dir, 'out')], { env: { ...process.env, NNC_BACKEND: '' } });
    let stdout = '';
    await new Promise<void>((ready) => first.stdout.on('data', (b: Buffer) => { stdout += b; if (/epoch 1\/500/.test(stdout)) ready(); }));
    // A live holder keeps its lock however old its mtime (a long synchronous data load
    // cannot refresh it).
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'out', '.nnc-lock'), old, old);
    const second = nnc('run', join(dir, 'sine.nn'), '--backend', 'cpu', '--out', join(dir, 'out'));
    first.kill('SIGKILL');
    await new Promise((gone) => first.on('exit', gone));
    expect(second.code).toBe(2);
    expect(second.stderr).toBe(`nnc: the output folder ${join(dir, 'out')} is in use by another nnc run (pid ${first.pid}); wait for it to end or choose another --out\n`);
    expect(second.stdout).not.toMatch(/epoch/);
    // The killed run left its lock and its pid; the next run sees the pid is gone and takes over.
    expect(existsSync(join(dir, 'out', '.nnc-lock'))).toBe(true);
    const third = nnc('run', join(dir, 'sine.nn'), '--backend', 'cpu', '--out', join(dir, 'out'));
    expect(third.stderr).toBe('');
    expect(third.code).toBe(0);
    // Released at exit, nothing of the lock left.
    expect(existsSync(join(dir, 'out', '.nnc-lock'))).toBe(false);
    expect(existsSync(join(dir, 'out', '.nnc-lock-owner'))).toBe(false);
  }, 60_000);
});
