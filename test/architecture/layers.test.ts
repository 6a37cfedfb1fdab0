// The folders of src/ are layers, and a layer imports only from layers below
// it (or from itself): a lower layer never reaches up. This reads every
// import of every source file and names each one that goes the wrong way,
// and it refuses a folder that has no place in the order yet, so that a new
// part is put somewhere on purpose.

import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/**
 * The layers, bottom first. Folders in one entry are one layer.
 *   util, io      seeded randomness; pure encoders (safetensors, PNG) and atomic writes
 *   data          IDX files, data sets, batches
 *   engine        layers, LeNet-5, the wasm kernels
 *   optim         update rules (and which implementation runs them)
 *   tensorboard   event files: framing, summaries, writer, reader
 *   figures       pictures of tensors, fc2 maps (data in, PNG out)
 *   train         configs, the training loop, run directories, logging a run
 *   export        a finished run's network in other formats (ONNX)
 *   stats         groups of seeds and their statistics
 *   sweep         a grid of runs: its points, running them as processes, resuming it
 *   queue         a grid as a sweep on a BullMQ queue in Redis: the coordinator that submits and follows it, the workers
 *   report        what is made from finished runs: fc2 maps of runs, findings, the report
 *   board         the dashboard (server and page)
 *   cli, api      the command, a thin shell; the library's entry point (import … from "lenet-lab")
 */
export const LAYERS: readonly (readonly string[])[] = [
  ["util", "io"], ["data"], ["engine"], ["optim"], ["tensorboard"], ["figures"], ["train"], ["export"], ["stats"], ["sweep"], ["queue"], ["report"], ["board"], ["cli", "api"],
];

const rankOf = (folder: string) => LAYERS.findIndex((layer) => layer.includes(folder));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(path);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The relative module specifiers a file imports (static, re-exports and dynamic). */
export function relativeImports(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g)) found.push(match[1]!);
  return found;
}

/** Every import that goes from a lower layer to a higher one, as "from → to". */
function upwardImports(): string[] {
  const violations: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = relative(SRC, file).split(sep)[0]!;
    for (const specifier of relativeImports(readFileSync(file, "utf8"))) {
      const target = relative(SRC, resolve(dirname(file), specifier));
      if (target.startsWith("..")) continue; // outside src/ (e.g. the package.json)
      const to = target.split(sep)[0]!;
      if (rankOf(to) > rankOf(from)) violations.push(`${relative(SRC, file)} → ${target} (${from} may not import ${to})`);
    }
  }
  return violations;
}

describe("the layers of src/", () => {
  it("place every folder", () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    const unplaced = folders.filter((folder) => rankOf(folder) < 0);
    expect(unplaced, "add the new folder to LAYERS in test/architecture/layers.test.ts, at the place it belongs").toEqual([]);
  });

  it("import only downward", () => {
    expect(upwardImports()).toEqual([]);
  });

  it("find the imports a file has, of every form", () => {
    const text = `import { a } from "../engine/x.js";\nexport { b } from './y.js';\nimport "../io/side-effect.js";\nconst c = await import("../train/z.js");\nimport d from "node:fs";`;
    expect(relativeImports(text)).toEqual(["../engine/x.js", "./y.js", "../io/side-effect.js", "../train/z.js"]);
  });
});
