#!/usr/bin/env bash
# On a GPU machine: does Dawn (nnc's webgpu backend) see the card through Vulkan, and if not,
# what is missing; then `bench -- gpu` (samples/s on webgpu vs wasm vs cpu) within a time
# budget. Everything it runs comes from .gpu/ (scripts/gpu-pack.sh, run beforehand on a
# machine with npm), so the GPU machine needs no registry and no Node. All of it stays under
# about 5 minutes with the default budget:
#
#   scripts/gpu-check.sh [BENCH_SECONDS=150]
#
# Steps: the machine and its driver (nvidia-smi, /dev/nvidia*, /dev/dri), the Vulkan side
# (loader, ICD manifests, vulkaninfo --summary where installed), then nnc's own probe as the
# machine is (runtime/gpu.ts's facts, every adapter Dawn offers, what `auto` picks and why).
# Where Dawn sees no hardware adapter it tries again with what a container commonly lacks
# supplied: the Vulkan loader packed in .gpu/lib, NVIDIA's manifest from
# /usr/local/nvidia/share/vulkan/icd.d, and its libraries' folder; it says which of these
# made the difference, and runs the bench with them.
set -uo pipefail
cd "$(dirname "$0")/.."
budget=${1:-150}
section() { printf '\n## %s\n' "$1"; }
[ -f .gpu/app.tar.xz ] || { echo "gpu-check: no .gpu/app.tar.xz: run scripts/gpu-pack.sh first (and carry .gpu)" >&2; exit 2; }
# Unpacked outside the repo, where no node_modules above it can stand in for a missing file.
g=/tmp/nnc-gpu-check
rm -rf "$g" && mkdir -p "$g"
unxz() { if command -v xz >/dev/null; then xz -dc "$1"; else python3 -c 'import lzma, sys; sys.stdout.buffer.write(lzma.open(sys.argv[1]).read())' "$1"; fi; }
unxz .gpu/app.tar.xz | tar -C "$g" -xf -

section 'machine'
uname -srm; nproc; grep -m1 'model name' /proc/cpuinfo || true
section 'GPU driver'
if command -v nvidia-smi >/dev/null; then nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader; else echo 'nvidia-smi: not installed'; fi
ls -l /dev/nvidia* /dev/dri 2>&1 | head -20
echo "NVIDIA_DRIVER_CAPABILITIES=${NVIDIA_DRIVER_CAPABILITIES-(unset)} VK_DRIVER_FILES=${VK_DRIVER_FILES-(unset)} VK_ICD_FILENAMES=${VK_ICD_FILENAMES-(unset)}"
section 'Vulkan'
# Read once: under pipefail, `ldconfig -p | grep -q` fails when grep stops reading early.
ldcache=$(ldconfig -p 2>/dev/null || true)
grep -E 'libvulkan\.so|libGLX_nvidia|libnvidia-glvkspirv|libnvidia-gpucomp' <<<"$ldcache" || echo 'ldconfig: no libvulkan, libGLX_nvidia or libnvidia-glvkspirv'
for d in /etc/vulkan/icd.d /usr/share/vulkan/icd.d /usr/local/share/vulkan/icd.d /usr/local/nvidia/share/vulkan/icd.d; do
  for f in "$d"/*.json; do [ -e "$f" ] && echo "$f: $(tr -d ' \n' < "$f" | grep -o '"library_path":"[^"]*"')"; done
done
ls -d /usr/local/nvidia/lib* 2>/dev/null
if command -v vulkaninfo >/dev/null; then timeout 30 vulkaninfo --summary 2>&1 | head -40; else echo 'vulkaninfo: not installed'; fi

section 'node'
node=$(command -v node || true)
if [ -z "$node" ] || [ "$("$node" -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  node=$g/node
  unxz .gpu/node.xz > "$node"
  chmod +x "$node"
fi
echo "$node $("$node" --version)"

probe() { timeout 90 "$node" "$g/gpu-check.mjs" --probe 2>&1 | grep -v '^Warning: maxDynamic'; }
section 'nnc probe, the machine as it is'
out=$(probe); echo "$out"
if grep -q '^verdict: no hardware adapter' <<<"$out"; then
  fixes=()
  if ! grep -q 'libvulkan\.so\.1' <<<"$ldcache" && [ -e "$g/lib/libvulkan.so.1" ]; then
    export LD_LIBRARY_PATH="$g/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fixes+=("the packed Vulkan loader ($g/lib/libvulkan.so.1)")
  fi
  for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
    [ -e "$d/libGLX_nvidia.so.0" ] && ! grep -q libGLX_nvidia <<<"$ldcache" && { export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fixes+=("LD_LIBRARY_PATH $d"); }
  done
  icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  if [ -e "$icd" ] && [ -z "${VK_DRIVER_FILES-}" ]; then export VK_DRIVER_FILES=$icd; fixes+=("VK_DRIVER_FILES=$icd"); fi
  if [ ${#fixes[@]} -gt 0 ]; then
    section "nnc probe again, with: ${fixes[*]}"
    again=$(probe); echo "$again"
    if grep -q '^verdict: Dawn sees the GPU' <<<"$again"; then echo "=> these made Dawn see the GPU: ${fixes[*]}"; else echo '=> still no hardware adapter with them'; fi
  fi
fi

section "bench -- gpu (budget ${budget} s)"
timeout $((budget + 150)) "$node" "$g/gpu-check.mjs" --bench "$budget" 2>&1 | grep -v '^Warning: maxDynamic'
