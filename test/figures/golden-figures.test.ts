// The figures look as they did before the figure work was made faster: the
// built `lenet-lab report` of two seeded fake runs (relu, sigmoid) draws its
// fc2 maps, a class figure, cross-run panels and a chart, and each is compared
// pixel by pixel with the PNG the code drew before (test/figures/golden/,
// made by the commit before that work). A pixel may differ by a few levels
// (a float's last bit can move a colour by one colormap entry), and only a
// few may.
// LENET_LAB_UPDATE_GOLDEN=1 writes the files instead of comparing (only when
// a picture is meant to change).

import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { decodePng } from "../../src/io/png.js";
import { lenetLab } from "../cli-process.js";
import { tempDir } from "../idx-files.js";
import { writeFakeRun } from "./fake-run.js";

const GOLDEN_DIR = fileURLToPath(new URL("./golden/", import.meta.url));
const UPDATE = process.env.LENET_LAB_UPDATE_GOLDEN === "1";

/** The figures compared: one of each kind the report makes, by path in the logdir → golden file name. */
const FIGURES: Record<string, string> = {
  "relu-adam-lr0.01-seed7/fc2/digit-3.png": "fc2-digit-3.png",
  "relu-adam-lr0.01-seed7/fc2/all-digits.png": "fc2-all-digits.png",
  "sigmoid-adam-lr0.01-seed7/fc2/class-means.png": "fc2-class-means.png",
  "sigmoid-adam-lr0.01-seed7/fc2/class-similarity.png": "fc2-class-similarity.png",
  "relu-adam-lr0.01-seed7/confusion.png": "confusion.png",
  "compare/fc2-5.png": "compare-fc2-5.png",
  "compare/fc2-all-digits.png": "compare-fc2-all-digits.png",
  "report/img/accuracy.png": "chart-accuracy.png",
};

/** Differences beyond this many levels (of 255) in any channel count as a differing pixel. */
const LEVELS = 8;
/** At most this share of a figure's pixels may differ. */
const SHARE = 0.002;

/** How many pixels of `actual` differ from `expected` by more than LEVELS (the sizes must match). */
function differingPixels(actual: Uint8Array, expected: Uint8Array): { differing: number; pixels: number } {
  const a = decodePng(actual);
  const e = decodePng(expected);
  expect([a.width, a.height]).toEqual([e.width, e.height]);
  let differing = 0;
  for (let p = 0; p < a.width * a.height; p++) {
    for (let c = 0; c < 3; c++) {
      const channel = (image: typeof a) => image.data[p * image.channels + Math.min(c, image.channels - 1)]!;
      if (Math.abs(channel(a) - channel(e)) > LEVELS) {
        differing++;
        break;
      }
    }
  }
  return { differing, pixels: a.width * a.height };
}

describe("figures against the golden pictures", () => {
  it("are drawn as before: fc2 maps, class figures, cross-run panels and charts", () => {
    const logdir = tempDir();
    writeFakeRun(logdir, { activation: "relu", optimizer: "adam", seed: "7", testAccuracies: [0.3, 0.6, 0.8] });
    writeFakeRun(logdir, { activation: "sigmoid", optimizer: "adam", seed: "7", testAccuracies: [0.2, 0.4, 0.7] });
    // 20 images per digit rather than 100: the same drawing, smaller golden files.
    const result = lenetLab("report", logdir, "--per-digit", "20");
    expect(result.code, result.stderr).toBe(0);
    for (const [path, golden] of Object.entries(FIGURES)) {
      const drawn = join(logdir, path);
      expect(existsSync(drawn), path).toBe(true);
      if (UPDATE) {
        mkdirSync(dirname(join(GOLDEN_DIR, golden)), { recursive: true });
        copyFileSync(drawn, join(GOLDEN_DIR, golden));
        continue;
      }
      const { differing, pixels } = differingPixels(readFileSync(drawn), readFileSync(join(GOLDEN_DIR, golden)));
      expect(differing / pixels, `${path}: ${differing} of ${pixels} pixels differ from ${golden}`).toBeLessThanOrEqual(SHARE);
    }
  });
});
