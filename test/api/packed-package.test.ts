// lenet-lab as its users get it: `npm pack`, the tarball installed into a
// fresh project (its dependencies from the npm registry, or npm's cache),
// and the two examples of examples/ compiled there with TypeScript in strict
// mode against the published .d.ts and run with Node. A file missing from
// `files`, a wrong `exports` path or a type error in the published types
// fails here. The tarball is packed from dist/ as `npm test` just built it.

import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { listEventFiles, readEventFile } from "../../src/tensorboard/reader.js";
import { scalarOf } from "../../src/tensorboard/summaries.js";
import { tempDir } from "../idx-files.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const EXAMPLES = join(ROOT, "examples");
const version = (name: string) => JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")).version as string;
const npm = (args: string[], cwd: string) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 300_000 });

let project: string;

/** Every scalar of `tag` in the run directory's event files, by step. */
function scalars(runDir: string, tag: string): Map<number, number> {
  const points = new Map<number, number>();
  for (const file of listEventFiles(runDir)) {
    for (const { event } of readEventFile(file).events) {
      for (const value of event.summary?.value ?? []) if (value.tag === tag) points.set(Number(event.step), scalarOf(value)!);
    }
  }
  return points;
}

beforeAll(() => {
  const packs = tempDir();
  // dist/ is already built by `npm test`; packing must not rebuild it.
  const tarball = JSON.parse(npm(["pack", "--ignore-scripts", "--json", "--pack-destination", packs], ROOT))[0].filename as string;
  project = tempDir();
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "uses-lenet-lab", private: true, type: "module" }));
  // Like this project's own .npmrc: nothing in the install fetches from outside the npm registry.
  writeFileSync(join(project, ".npmrc"), "fund=false\naudit=false\n");
  npm(["install", "--prefer-offline", "--no-audit", "--no-fund", join(packs, tarball), `typescript@${version("typescript")}`,
    `@types/node@${version("@types/node")}`], project);
  for (const file of readdirSync(EXAMPLES)) copyFileSync(join(EXAMPLES, file), join(project, file));
}, 600_000);

describe("the packed package in a fresh project", () => {
  it("has the entry points and files a user imports, and nothing of the repository's tests", () => {
    const installed = join(project, "node_modules", "lenet-lab");
    const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
    expect(Object.keys(pkg.exports)).toEqual([".", "./tensorboard", "./package.json"]);
    expect(readdirSync(join(installed, "dist"))).toEqual(expect.arrayContaining(["src", "wasm", "board-web"]));
    expect(readdirSync(join(installed, "dist"))).not.toContain("test");
  });

  it("compiles both examples with strict TypeScript against the published types", () => {
    const output = execFileSync(join(project, "node_modules", ".bin", "tsc"), ["-p", "."], { cwd: project, encoding: "utf8", timeout: 120_000 });
    expect(output).toBe("");
  }, 180_000);

  it("trains from code with a schedule, a TensorBoard callback and an early stop (example 1)", () => {
    const logdir = join(project, "runs", "step-decay");
    const out = execFileSync(process.execPath, [join(project, "dist", "train-with-schedule.js"), logdir], { cwd: project, encoding: "utf8", timeout: 300_000 });
    const result = JSON.parse(out.trim().split("\n").pop()!);
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.98);
    expect(result.iterations).toBeLessThan(1000);
    const lr = scalars(logdir, "learning_rate");
    expect(lr.get(10)).toBeCloseTo(0.01, 8);
    if (lr.has(210)) expect(lr.get(210)).toBeCloseTo(0.005, 8);
    expect(scalars(logdir, "accuracy/test").get(result.iterations)).toBeCloseTo(result.testAccuracy, 6);
  }, 300_000);

  it("logs an unrelated training loop with lenet-lab/tensorboard (example 2)", () => {
    const logdir = join(project, "runs", "linear-regression");
    const out = execFileSync(process.execPath, [join(project, "dist", "log-any-training.js"), logdir], { cwd: project, encoding: "utf8", timeout: 60_000 });
    const { a, b } = JSON.parse(out.trim());
    expect(a).toBeCloseTo(3, 1);
    expect(b).toBeCloseTo(2, 1);
    const loss = scalars(logdir, "loss");
    expect(loss.size).toBe(300);
    expect(loss.get(300)!).toBeLessThan(loss.get(1)! / 100);
    expect(listEventFiles(join(logdir, "parameters_a")).length + listEventFiles(join(logdir, "parameters_b")).length).toBe(2);
  });
});
