// Builds the optional native kernels (native/lenet-kernels.cc, AVX-512) at
// install, with the node-gyp that npm ships and the Node headers this machine
// already has. Never fails the install and never downloads anything: where
// the CPU lacks AVX-512, no compiler or headers are found, or the build
// fails, it says so and leaves the work to the WebAssembly kernels.
// LENET_LAB_NATIVE=0 skips it.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const NEEDED_FLAGS = ["avx512f", "avx512vl", "avx512bw", "avx512dq"];

function skip(reason) {
  console.log(`lenet-lab: native kernels not built (${reason}); the WebAssembly kernels do all the work`);
  rmSync(join(root, "build"), { recursive: true, force: true });
  process.exit(0);
}

if (process.env.LENET_LAB_NATIVE === "0") skip("LENET_LAB_NATIVE=0");
if (process.platform !== "linux" || process.arch !== "x64") skip(`they are for Linux on x86-64, this is ${process.platform} ${process.arch}`);

const cpuFlags = new Set((/^flags\s*:(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "").trim().split(/\s+/));
const missing = NEEDED_FLAGS.filter((flag) => !cpuFlags.has(flag));
if (missing.length > 0) skip(`this CPU lacks ${missing.join(", ")}`);

// npm tells its scripts where its node-gyp is; otherwise look beside this Node.
const prefix = resolve(dirname(process.execPath), "..");
const nodeGyp = [process.env.npm_config_node_gyp, join(prefix, "lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js")]
  .find((path) => path && existsSync(path));
if (!nodeGyp) skip("npm's node-gyp was not found");

// Headers: the ones npm is set to use, or this Node's own; never a download.
const nodedir = [process.env.npm_config_nodedir, prefix].find((dir) => dir && existsSync(join(dir, "include/node/node_api.h")));
if (!nodedir) skip(`no Node headers next to ${process.execPath} and no npm nodedir (a download is not allowed)`);

const build = spawnSync(process.execPath, [nodeGyp, "rebuild", `--nodedir=${nodedir}`], { cwd: root, encoding: "utf8" });
if (build.status !== 0) {
  const output = `${build.stdout ?? ""}${build.stderr ?? ""}`.trim().split("\n").slice(-15).join("\n");
  console.log(output);
  skip(build.error ? `node-gyp could not run: ${build.error.message}` : "node-gyp failed, output above");
}

// The built file must load and run here (same CPU check as at run time).
const addon = join(root, "build/Release/lenet_kernels.node");
const probe = spawnSync(process.execPath, ["-e", `process.exit(require(${JSON.stringify(addon)}).supported ? 0 : 3)`], { encoding: "utf8" });
if (probe.status !== 0) skip(`the built kernels did not load: ${(probe.stderr || `exit ${probe.status}`).trim().split("\n")[0]}`);
console.log(`lenet-lab: native AVX-512 kernels built (${addon})`);
