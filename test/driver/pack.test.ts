// SLOW (~30-60 s, needs the npm registry or a warm npm cache): the package as a user gets it.
// `npm pack` of a copy of this checkout (its `prepare` builds dist/ there, so the checkout's
// own dist/ is never rebuilt under the other CLI tests), then `npm install` of the tarball
// into an empty folder, then the installed `nnc` runs from its built code.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const work = mkdtempSync(join(tmpdir(), 'nnc-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm pack → npm install → nnc', () => {
  it('installs a working nnc that runs the built code', { timeout: 240_000 }, () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; files: string[] };
    const copy = join(work, 'src');
    for (const entry of [...pkg.files.filter((f) => f !== 'dist'), 'package.json', 'package-lock.json', 'README.md', 'tsconfig.build.json', 'scripts']) {
      cpSync(entry, join(copy, entry), { recursive: true });
    }
    symlinkSync(resolve('node_modules'), join(copy, 'node_modules'), 'dir');
    execFileSync(npm, ['pack', '--pack-destination', work], { cwd: copy, stdio: 'pipe' });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
    expect(tarball).toBe(`nnc-${pkg.version}.tgz`);

    const app = join(work, 'app');
    cpSync(join(copy, 'examples', 'seed', 'gan.nn'), join(app, 'gan.nn'));
    writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true }\n');
    execFileSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(work, tarball)], { cwd: app, stdio: 'pipe' });
    const installed = join(app, 'node_modules', 'nnc');
    expect(existsSync(join(installed, 'dist', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(join(installed, 'test'))).toBe(false);

    // Without the driver's sources only the built code can run.
    rmSync(join(installed, 'driver'), { recursive: true });
    const nnc = (...args: string[]) => spawnSync(join(app, 'node_modules', '.bin', 'nnc'), args, { cwd: app, encoding: 'utf8' });
    expect(nnc('--version').stdout.trim()).toBe(pkg.version);
    const checked = nnc('check', 'gan.nn');
    expect(checked.stderr).toBe('');
    expect(checked.status).toBe(0);
    const summary = nnc('summary', 'gan.nn', '--model', 'Generator');
    expect(summary.stdout).toContain('Model: "Generator"');
  });
});
