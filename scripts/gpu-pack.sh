#!/usr/bin/env bash
# Packs what scripts/gpu-check.sh needs on a GPU machine that has no npm registry and maybe no
# Node into .gpu/ (git-ignored; some 35 MB): app.tar.xz holds bench/gpu-check.ts bundled by
# esbuild (nnc's own code; packages stay imports), the files of node_modules that it loads
# (traced by running it here, on lavapipe), the wasm binaries and Dawn's linux-x64 dawn.node,
# and this machine's Vulkan loader; node.xz is the node binary. Run it here, then send the
# repo with `.gpu` carried and run scripts/gpu-check.sh there. Needs lavapipe
# (bin/install-lavapipe.sh) so that the trace loads the webgpu backend; takes a few minutes
# (xz).
set -euo pipefail
cd "$(dirname "$0")/.."
out=.gpu/app
rm -rf "$out" .gpu/app.tar.xz && mkdir -p "$out/runtime"
npx esbuild bench/gpu-check.ts --bundle --platform=node --format=esm --target=node20 --packages=external \
  --outfile="$out/gpu-check.mjs" --log-level=warning
# packageRoot() (driver/package-root.ts) looks for a package.json above the code; the checker
# reads the standard library from runtime/std.
printf '{ "name": "nnc-gpu-check", "private": true, "type": "module" }\n' > "$out/package.json"
cp -r runtime/std "$out/runtime/std"

# The trace: every module file the check loads (ESM through a load hook, CommonJS from
# require's cache at exit), with a zero time budget so the bench measures nothing.
trace=$(mktemp -d)
cat > "$trace/hooks.mjs" <<'EOF'
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.NNC_TRACE, url + '\n');
  return next(url, context);
}
EOF
cat > "$trace/register.mjs" <<EOF
import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
register(pathToFileURL('$trace/hooks.mjs'));
process.on('exit', () => appendFileSync(process.env.NNC_TRACE, Object.keys(createRequire(import.meta.url).cache).map((f) => pathToFileURL(f).href).join('\n') + '\n'));
EOF
ln -s ../node_modules "$out/node_modules"
NNC_TRACE="$trace/files" node --import "$trace/register.mjs" "$out/gpu-check.mjs" 0 > "$trace/log" 2>&1 || { cat "$trace/log"; exit 1; }
rm "$out/node_modules"
grep -q 'tfjs-backend-webgpu' "$trace/files" || { cat "$trace/log"; echo "gpu-pack: the trace did not load the webgpu backend (no adapter here? bin/install-lavapipe.sh)" >&2; exit 1; }
root="$(pwd)/node_modules/"
files=$(sed -n "s|^file://$root||p" "$trace/files" | sort -u)
# Each package's package.json (type and main) beside the files loaded from it.
pkgs=$(echo "$files" | sed -E 's#^((@[^/]+/)?[^/]+)/.*#\1#' | sort -u)
extra="@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm @tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm @tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm webgpu/dist/linux-x64/dawn.node"
for f in $files $extra $(for p in $pkgs; do echo "$p/package.json"; done); do
  mkdir -p "$out/node_modules/$(dirname "$f")"
  cp "node_modules/$f" "$out/node_modules/$f"
done
# Nested node_modules resolve the same way; their package.json files are copied above.
for lib in /usr/lib/x86_64-linux-gnu/libvulkan.so.1; do [ -e "$lib" ] && mkdir -p "$out/lib" && cp -L "$lib" "$out/lib/"; done
tar -C "$out" -cf - . | xz -T0 -6 > .gpu/app.tar.xz
rm -rf "$out" "$trace"
# The node binary, once (kept while it is newer than the binary).
[ .gpu/node.xz -nt "$(readlink -f "$(command -v node)")" ] || xz -T0 -6 -c "$(command -v node)" > .gpu/node.xz
echo "packed $(du -sh .gpu | cut -f1) into .gpu ($(echo "$files" | wc -l) module files of $(echo "$pkgs" | wc -l) packages, node $(node --version))"
