// Figures drawn in the figure threads (src/figures/render-pool.ts, active in
// the built package) are the very bytes drawn in the main thread: the same
// run's fc2 maps and class figures, made by the built `lenet-lab features`
// with the threads on and off, compared file by file.

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIGURE_THREADS_ENV } from "../../src/figures/render-pool.js";
import { CLI } from "../cli-process.js";
import { tempDir } from "../idx-files.js";
import { writeFakeRun } from "./fake-run.js";
import { spawnSync } from "node:child_process";

function features(runDir: string, threads: string): void {
  const result = spawnSync(process.execPath, [CLI, "features", runDir], { encoding: "utf8", env: { ...process.env, [FIGURE_THREADS_ENV]: threads } });
  expect(result.status, result.stderr).toBe(0);
}

describe("figure threads", () => {
  it("draw the same bytes as the main thread", () => {
    const threaded = writeFakeRun(tempDir(), { activation: "relu", seed: "7" }).runDir;
    const inline = writeFakeRun(tempDir(), { activation: "relu", seed: "7" }).runDir;
    features(threaded, "2");
    features(inline, "0");
    const pngs = (dir: string) => readdirSync(join(dir, "fc2")).filter((f) => f.endsWith(".png")).map((f) => join("fc2", f)).concat("confusion.png", "misclassified.png");
    expect(pngs(threaded)).toHaveLength(15);
    for (const file of pngs(threaded)) {
      expect(readFileSync(join(threaded, file)).equals(readFileSync(join(inline, file))), file).toBe(true);
    }
  });
});
