// A logdir of seed groups made without training, for the tests of the
// groups' aggregate runs: each run has run.json (writeFakeRun) and event
// files written through the real SummaryWriter, holding known scalars at
// known steps and wall times, plus what must not be aggregated (a histogram,
// an image, the config text, hparams). Optionally one run was resumed: its
// first file runs past the checkpoint with stale values, and its second file
// starts with the restart marker, as src/train/run-logger.ts writes it.
//   relu-adam-lr0.01      seeds 0, 1, 2 (seed 1 the resumed run; seed 2 logs a NaN)
//   sigmoid-adam-lr0.01   seeds 0, 1
//   tanh-adam-lr0.01      seed 0 alone
// `expectedAggregate` computes the mean / min / max from the values
// TensorBoard shows, without band.ts.

import { groupRuns } from "../../src/stats/run-groups.js";
import { SummaryWriter } from "../../src/tensorboard/summary-writer.js";
import { readRunSummary } from "../../src/train/load-run.js";
import { writeFakeRun } from "../figures/fake-run.js";

/** tag → [step, value, wall time] points, in step order. */
export type Curves = Record<string, [step: number, value: number, wallTime: number][]>;

interface FixtureRun {
  activation: string;
  seed: number;
  /** What TensorBoard shows for the run. */
  shown: Curves;
  /** A resumed run: the restart step and the values its first file wrote at steps ≥ it, which the shown ones supersede. */
  resumed?: { restartAt: number; stale: Curves };
}

const wall = (seed: number, step: number) => 1_700_000_000 + 1000 * seed + 3 * step + 0.25;
const curve = (seed: number, points: [number, number][]) => points.map(([step, value]) => [step, value, wall(seed, step)] as [number, number, number]);

function fixtureRuns(options: { resumed: boolean }): FixtureRun[] {
  return [
    {
      activation: "relu", seed: 0, shown: {
        "loss/train": curve(0, [[10, 2.0], [20, 1.0], [30, 0.5]]),
        "accuracy/test": curve(0, [[20, 0.6], [30, 0.8]]),
        "gradient_norm/conv1": curve(0, [[10, 0.3], [20, 0.2], [30, 0.1]]),
      },
    },
    {
      activation: "relu", seed: 1, shown: {
        "loss/train": curve(1, [[10, 2.5], [20, 1.5], [30, 0.7], [40, 0.4]]),
        "accuracy/test": curve(1, [[20, 0.5], [30, 0.85], [40, 0.9]]),
        "gradient_norm/conv1": curve(1, [[10, 0.35], [20, 0.25], [30, 0.15]]),
      },
      resumed: options.resumed ? {
        restartAt: 21,
        stale: {
          "loss/train": [[30, 9, wall(1, 30) - 500], [40, 9, wall(1, 40) - 500], [50, 9, wall(1, 50) - 500]],
          "accuracy/test": [[30, 0.01, wall(1, 30) - 500]],
        },
      } : undefined,
    },
    {
      activation: "relu", seed: 2, shown: {
        "loss/train": curve(2, [[10, 1.7], [20, NaN], [30, 0.6]]),
        "accuracy/test": curve(2, [[20, 0.55], [30, 0.82]]),
        "gradient_norm/conv1": curve(2, [[10, 0.28], [20, 0.22], [30, 0.12]]),
      },
    },
    {
      activation: "sigmoid", seed: 0, shown: {
        "loss/train": curve(0, [[10, 2.3], [20, 2.2], [30, 2.1]]),
        "accuracy/test": curve(0, [[30, 0.2]]),
      },
    },
    {
      activation: "sigmoid", seed: 1, shown: {
        "loss/train": curve(1, [[10, 2.31], [20, 2.25], [30, 2.0]]),
        "accuracy/test": curve(1, [[30, 0.3]]),
        "learning_rate": curve(1, [[30, 0.01]]),
      },
    },
    { activation: "tanh", seed: 0, shown: { "loss/train": curve(0, [[10, 1.9], [20, 1.1]]) } },
  ];
}

/** Writes points of `curves` whose step passes `keep`, step by step, then a histogram and image at each step. */
function writePoints(writer: SummaryWriter, curves: Curves, keep: (step: number) => boolean): void {
  const points = Object.entries(curves).flatMap(([tag, list]) => list.map(([step, value, wallTime]) => ({ tag, step, value, wallTime })))
    .filter((p) => keep(p.step)).sort((a, b) => a.step - b.step);
  for (const { tag, step, value, wallTime } of points) writer.addScalar(tag, value, step, wallTime);
  for (const step of new Set(points.map((p) => p.step))) {
    writer.addHistogram("conv1/weight", [0.1 * step, -0.2, 0.3], step);
    writer.addImage("kernels/conv1", Uint8Array.from({ length: 20 }, (_, i) => (i * step) % 256), { width: 5, height: 4, channels: 1 }, step);
  }
}

export interface FixtureGroup {
  name: string;
  runDirs: string[];
  /** The members' shown curves, in the order of runDirs (by seed). */
  members: { name: string; seed: number; shown: Curves }[];
}

/** Writes the runs into `logdir` and returns their groups as groupRuns forms them. */
export function writeGroupLogdir(logdir: string, options: { resumed?: boolean } = {}): FixtureGroup[] {
  const runs = fixtureRuns({ resumed: options.resumed ?? true }).map((run) => {
    const runName = `${run.activation}-adam-lr0.01-seed${run.seed}`;
    const { runDir } = writeFakeRun(logdir, { activation: run.activation, optimizer: "adam", seed: String(run.seed), runName });
    const hparams = { activation: run.activation, seed: run.seed };
    if (run.resumed) {
      const { restartAt, stale } = run.resumed;
      const first = new SummaryWriter(runDir, { flushIntervalMs: 0 });
      first.addSessionStart(0, wall(run.seed, 0));
      first.addText("config", `activation ${run.activation}`, 0);
      writePoints(first, run.shown, (step) => step < restartAt);
      writePoints(first, stale, () => true);
      first.close();
      const second = new SummaryWriter(runDir, { flushIntervalMs: 0 });
      second.addSessionStart(restartAt, wall(run.seed, restartAt));
      writePoints(second, run.shown, (step) => step >= restartAt);
      second.addHparams(hparams, { "accuracy/test": null });
      second.close();
    } else {
      const writer = new SummaryWriter(runDir, { flushIntervalMs: 0 });
      writer.addSessionStart(0, wall(run.seed, 0));
      writer.addText("config", `activation ${run.activation}`, 0);
      writePoints(writer, run.shown, () => true);
      writer.addHparams(hparams, { "accuracy/test": null });
      writer.close();
    }
    return { runDir, run, config: readRunSummary(runDir).config };
  });
  return groupRuns(runs, (r) => ({ name: r.config.runName, config: r.config })).map((group) => ({
    name: group.name,
    runDirs: group.members.map((m) => m.run.runDir),
    members: group.members.map((m) => ({ name: m.name, seed: m.seed, shown: m.run.run.shown })),
  }));
}

export interface ExpectedPoint {
  step: number;
  mean: number;
  min: number;
  max: number;
  wallTime: number;
}

/**
 * tag → the group's aggregate per step, as float32 (what the event files
 * store): over the members with a finite value at that step, in member order.
 */
export function expectedAggregate(group: FixtureGroup): Record<string, ExpectedPoint[]> {
  const tags = [...new Set(group.members.flatMap((m) => Object.keys(m.shown)))];
  return Object.fromEntries(tags.map((tag) => {
    const steps = [...new Set(group.members.flatMap((m) => (m.shown[tag] ?? []).map(([step]) => step)))].sort((a, b) => a - b);
    const points = steps.flatMap((step) => {
      const logged = group.members.map((m) => m.shown[tag]?.find(([s]) => s === step)).filter((p) => p !== undefined && Number.isFinite(p[1])) as [number, number, number][];
      if (logged.length === 0) return [];
      const values = logged.map(([, value]) => Math.fround(value));
      return [{
        step,
        mean: Math.fround(values.reduce((s, v) => s + v, 0) / values.length),
        min: Math.min(...values),
        max: Math.max(...values),
        wallTime: logged.reduce((s, [, , t]) => s + t, 0) / logged.length,
      }];
    });
    return [tag, points];
  }));
}
