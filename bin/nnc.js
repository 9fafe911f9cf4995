#!/usr/bin/env node
// Runs the built JavaScript in dist/ (made by `npm run build`, which `prepare` runs on `npm
// install`, `npm ci` and `npm pack`). In a git checkout whose sources are newer than the
// build, or that has no build, it runs the TypeScript sources through tsx instead, so an edit
// is never shadowed by a stale dist/. An installed package (no .git) always has a build, and
// its files' times are those of the install, so they are not compared.
import { existsSync, readdirSync, statSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// Node 22.1+ keeps the compiled code of loaded modules on disk for the next start.
module.enableCompileCache?.();

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = `${root}dist/.built`;

/** Whether dist/ was built after the last change to the sources it was built from. */
function buildIsFresh() {
  if (!existsSync(stamp)) return false;
  if (!existsSync(`${root}.git`)) return true;
  const built = statSync(stamp).mtimeMs;
  for (const dir of ['grammar', 'compiler', 'runtime', 'driver']) {
    if (!existsSync(root + dir)) continue;
    for (const f of readdirSync(root + dir, { recursive: true, withFileTypes: true })) {
      if (f.isFile() && f.name.endsWith('.ts') && statSync(`${f.parentPath}/${f.name}`).mtimeMs > built) return false;
    }
  }
  return true;
}

let main;
if (process.env.NNC_FROM_SOURCES !== '1' && buildIsFresh()) {
  ({ main } = await import('../dist/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../driver/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
