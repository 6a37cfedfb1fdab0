// Loading a finished run back: the weights round-trip exactly through
// model.safetensors, and every broken run directory is refused with a
// message that names the file and the problem.

import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodeSafetensors, decodeSafetensors } from "../../src/io/safetensors.js";
import { encodeModel, MODEL_FILE, RUN_FILE } from "../../src/train/run-directory.js";
import { RunLoadError, loadRun } from "../../src/train/load-run.js";
import { tempDir } from "../idx-files.js";
import { writeFakeRun } from "../figures/fake-run.js";

describe("loadRun", () => {
  it("restores the config's activation and every weight bit for bit", () => {
    const { runDir, network } = writeFakeRun(tempDir());
    const loaded = loadRun(runDir);
    expect(loaded.network.activation).toBe("sigmoid");
    expect(loaded.summary.config.seed).toBe(5);
    expect(Array.from(loaded.network.params.values)).toEqual(Array.from(network.params.values));
  });

  it("names a directory that is not a run", () => {
    const dir = tempDir();
    expect(() => loadRun(join(dir, "nope"))).toThrow(/is not a directory; give the directory of a finished run/);
    expect(() => loadRun(dir)).toThrow(/run\.json not found: .* is not a finished run directory/);
  });

  it("names a run without weights, and damaged run.json", () => {
    const { runDir } = writeFakeRun(tempDir());
    rmSync(join(runDir, MODEL_FILE));
    expect(() => loadRun(runDir)).toThrow(/model\.safetensors not found: the run has a run\.json but no weights/);
    writeFileSync(join(runDir, RUN_FILE), "{\"config\": ");
    expect(() => loadRun(runDir)).toThrow(/run\.json is not valid JSON/);
  });

  it("refuses a truncated model file", () => {
    const { runDir } = writeFakeRun(tempDir());
    const bytes = readFileSync(join(runDir, MODEL_FILE));
    writeFileSync(join(runDir, MODEL_FILE), bytes.subarray(0, bytes.length - 100));
    expect(() => loadRun(runDir)).toThrow(RunLoadError);
    expect(() => loadRun(runDir)).toThrow(/model\.safetensors: tensor fc3\.\w+ runs past the end of the file; the file is truncated/);
  });

  it("refuses a model of another architecture: a missing tensor, an extra one, a wrong shape", () => {
    const { runDir, network } = writeFakeRun(tempDir());
    const tensors = decodeSafetensors(encodeModel(network.params)).tensors;
    const path = join(runDir, MODEL_FILE);

    writeFileSync(path, encodeSafetensors(tensors.filter((t) => t.name !== "fc2.bias")));
    expect(() => loadRun(runDir)).toThrow(/is not a LeNet-5 of lenet-lab: missing fc2\.bias/);

    writeFileSync(path, encodeSafetensors([...tensors, { name: "fc4.weight", shape: [1], data: new Float32Array(1) }]));
    expect(() => loadRun(runDir)).toThrow(/unexpected fc4\.weight/);

    const wide = tensors.map((t) => (t.name === "fc3.weight" ? { name: t.name, shape: [12, 84], data: new Float32Array(12 * 84) } : t));
    writeFileSync(path, encodeSafetensors(wide));
    expect(() => loadRun(runDir)).toThrow(/fc3\.weight has shape \[12,84\], LeNet-5 needs \[10,84\]; this model has another architecture/);
  });
});
