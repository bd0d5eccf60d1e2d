/**
 * The one-call GPU benchmark kit: everything a bare x86-64 Linux machine with an NVIDIA GPU
 * needs to run the GPU benchmark, in one folder of at most 64 MiB (what a lent device machine
 * takes along), built from this checkout:
 *   npm run bench:device-kit [-- --out .device-kit] [--xz-level 6]
 * then, on that machine, from the repository root:  bash .device-kit/run.sh [--runs 10]
 * It holds: Node (this one, xz-compressed), the built dist/ with wgsl-preprocessor and the
 * `webgpu` package's linux-x64 build (Dawn, xz-compressed), the Vulkan loader and libglvnd (libvulkan1, libglvnd0, libglx0, … as
 * amd64 .deb, unpacked only where the machine lacks one), the TID2013 I01 pair and its golden
 * scores from ../shared/fixtures, and run.sh, which unpacks them into a temporary folder,
 * points Vulkan at the NVIDIA driver and runs bench/deviceRun.ts (adapter first — a software
 * one fails —, the golden check, then medians of timed runs) into fsim-device.json.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { FIXTURES, FIXTURE_IMAGES } from '../scripts/fixtures.js';
import { flag } from './common.js';

const ROOT = resolve(import.meta.dirname, '../..');
const kit = resolve(flag('out') ?? join(ROOT, '.device-kit'));
const xzLevel = flag('xz-level') ?? '6';
const LIMIT = 64 * 2 ** 20;

function xz(from: string, to: string): void {
  execFileSync('sh', ['-c', `xz -T0 -${xzLevel} -c "$0" > "$1"`, from, to]);
}

function sizeOf(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

if (!existsSync(join(ROOT, 'dist/bench/deviceRun.js'))) throw new Error('dist/ is missing: npm run build:lib first');
rmSync(kit, { recursive: true, force: true });
mkdirSync(kit, { recursive: true });

// Node.
xz(process.execPath, join(kit, 'node.xz'));

// The package: dist/ and its two runtime packages, Dawn compressed.
const pkg = join(kit, 'pkg');
const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
mkdirSync(pkg, { recursive: true });
writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name, version, type: 'module', private: true }, null, 2));
// bench/common.js finds the package root through scripts/fixtures.js.
for (const part of ['src', 'shaders', 'bench', 'scripts']) cpSync(join(ROOT, 'dist', part), join(pkg, 'dist', part), { recursive: true });
cpSync(join(ROOT, 'node_modules/wgsl-preprocessor'), join(pkg, 'node_modules/wgsl-preprocessor'), { recursive: true });
const webgpu = join(pkg, 'node_modules/webgpu');
mkdirSync(join(webgpu, 'dist/linux-x64'), { recursive: true });
for (const file of ['index.js', 'package.json']) copyFileSync(join(ROOT, 'node_modules/webgpu', file), join(webgpu, file));
xz(join(ROOT, 'node_modules/webgpu/dist/linux-x64/dawn.node'), join(webgpu, 'dist/linux-x64/dawn.node.xz'));

// The Vulkan loader and the GL vendor-neutral dispatch libraries, amd64, from Debian: the lent
// machines have the NVIDIA driver, but not always the loader, and the NVIDIA Vulkan ICD
// (libGLX_nvidia.so.0) cannot load without libglvnd's libGLdispatch.
const lists = join(kit, '.apt-lists');
mkdirSync(join(lists, 'partial'), { recursive: true });
const apt = ['-oAPT::Architecture=amd64', '-oAPT::Architectures=amd64', `-oDir::State::Lists=${lists}`];
execFileSync('apt-get', [...apt, '-qq', 'update'], { stdio: 'ignore' });
const PACKAGES = ['libvulkan1', 'libglvnd0', 'libglx0', 'libegl1', 'libgl1', 'libopengl0', 'libgles2'];
execFileSync('apt-get', [...apt, '-qq', 'download', ...PACKAGES], { cwd: kit, stdio: 'ignore' });
rmSync(lists, { recursive: true, force: true });
for (const name of PACKAGES) {
  if (!readdirSync(kit).some((f) => f.startsWith(`${name}_`) && f.endsWith('_amd64.deb')))
    throw new Error(`apt-get download ${name} gave no amd64 .deb`);
}

// Inputs: the I01 pair (golden check and, resampled, every timed size) and its golden lines.
const inputs = join(kit, 'inputs');
mkdirSync(inputs, { recursive: true });
for (const file of ['I01.bmp', 'I01_dist.bmp', 'I01_x2.png', 'I01_dist_x2.png'])
  copyFileSync(join(FIXTURE_IMAGES, file), join(inputs, file));
const golden = readFileSync(join(FIXTURES, 'golden.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && (JSON.parse(line) as { ref: string; dist: string }).ref === 'I01.bmp')
  .filter((line) => (JSON.parse(line) as { dist: string }).dist === 'I01_dist.bmp');
if (golden.length === 0) throw new Error('no I01 cases in golden.jsonl');
writeFileSync(join(inputs, 'golden.jsonl'), `${golden.join('\n')}\n`);

const run = join(kit, 'run.sh');
writeFileSync(
  run,
  `#!/usr/bin/env bash
# fsim-gpu device kit (built by bench/deviceKit.ts, ${name} ${version}). On an x86-64 Linux
# machine with an NVIDIA GPU and nothing installed, from anywhere:
#   bash .device-kit/run.sh [--sizes 1920x1080,3640x2400,7680x4320] [--runs 10] [--limits adapter|default]
# Writes \${OUT:-.}/fsim-device.json. A software adapter fails (--allow-software: the kit's own test).
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
kit="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
xz -dc "$kit/node.xz" > "$work/node"
chmod +x "$work/node"
cp -r "$kit/pkg" "$work/pkg"
xz -d "$work/pkg/node_modules/webgpu/dist/linux-x64/dawn.node.xz"
# The Vulkan loader and libglvnd, each only where the machine lacks its library (unpacked
# into /: run as root there).
for deb in "$kit"/*_amd64.deb; do
  # Whole-input filters only: under pipefail, a reader that stops early fails the pipeline.
  lib="$(dpkg -c "$deb" | awk '{ for (i = 1; i <= NF; i++) if (!lib && $i ~ /\\.so\\.[0-9]+$/) { n = split($i, p, "/"); lib = p[n] } } END { print lib }')"
  [ -n "$lib" ] || { echo "no library named in $deb" >&2; exit 1; }
  if ! ldconfig -p | awk -v lib="$lib" '$1 == lib { found = 1 } END { exit !found }'; then
    echo "unpacking $(basename "$deb") ($lib)"
    dpkg -x "$deb" /
  fi
done
ldconfig
nvidia=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "\${VK_DRIVER_FILES:-}\${VK_ICD_FILENAMES:-}" ] && [ -f "$nvidia" ]; then export VK_DRIVER_FILES="$nvidia"; fi
export XDG_RUNTIME_DIR="\${XDG_RUNTIME_DIR:-/tmp}"
echo "node $("$work/node" --version), kit ${version}"
exec "$work/node" "$work/pkg/dist/bench/deviceRun.js" --inputs "$kit/inputs" --out "\${OUT:-.}/fsim-device.json" "$@"
`,
);
chmodSync(run, 0o755);

const total = sizeOf(kit);
console.log(`device kit: ${kit}, ${(total / 2 ** 20).toFixed(1)} MiB (limit 64 MiB)`);
if (total > LIMIT) throw new Error(`the kit is ${total} bytes, over the 64 MiB a device machine takes along`);
