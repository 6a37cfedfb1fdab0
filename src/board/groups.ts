// Seed groups in the dashboard: the runs whose run.json configs differ only
// in the seed (and bookkeeping), as src/stats/run-groups.ts groups them; the
// spread of the final results of those that finished (as the report judges
// them); and a group's curve for a scalar tag — the values of all its runs,
// finished or not, merged step by step (src/stats/band.ts) — thinned for
// drawing or whole for a download (JSON columns or CSV). A group has at
// least two seeds: a run alone, or one without a run.json config, is in no
// group. Pure functions of the index and the runs' run.json; no HTTP here.
// Not here: routes and parameter checks (api.ts), what makes a group (run-groups.ts).

import { aggregateCurves, type BandPoint, type CurvePoint } from "../stats/band.js";
import { describe } from "../stats/describe.js";
import { groupRuns } from "../stats/run-groups.js";
import type { LogdirIndex, RunEntry } from "./logdir-index.js";
import { FINAL_METRICS, type GroupCurveColumns, type GroupInfo } from "./group-json.js";
import { csvField, thinnedPositions } from "./responses.js";
import { readRunConfig } from "./run-files.js";
import type { ScalarSeries } from "./run-store.js";

/** Fewer seeds than this are not a group: one run is drawn as itself. */
export const MIN_GROUP_SEEDS = 2;

export interface BoardGroup {
  /** The run name without the seed, e.g. "relu-adam-lr0.01". */
  name: string;
  /** One run per seed, sorted by seed; `final`: run.json's final results once the run has finished, else null. */
  members: { run: RunEntry; seed: number; final: Record<string, number> | null }[];
  /** Runs repeating a member's seed: listed, but in no statistic and no curve. */
  repeats: RunEntry[];
}

/** The groups of the index's runs, in order of their first run's name. */
export function findGroups(index: LogdirIndex): BoardGroup[] {
  const described: { entry: RunEntry; config: NonNullable<ReturnType<typeof readRunConfig>> }[] = [];
  for (const entry of [...index.runs.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const config = readRunConfig(entry.dir);
    if (config) described.push({ entry, config });
  }
  return groupRuns(described, (run) => ({ name: run.entry.name, config: run.config.config }))
    .filter((group) => group.members.length >= MIN_GROUP_SEEDS)
    .map((group) => ({
      name: group.name,
      members: group.members.map((m) => ({ run: m.run.entry, seed: m.seed, final: m.run.config.finished ? m.run.config.final : null })),
      repeats: group.repeats.map((m) => m.run.entry),
    }));
}

export function groupInfo(group: BoardGroup): GroupInfo {
  const finals = group.members.map((m) => m.final).filter((f) => f !== null);
  let final: GroupInfo["final"] = null;
  if (finals.length > 0) {
    final = { n: finals.length };
    for (const metric of FINAL_METRICS) {
      const values = finals.map((f) => f[metric]).filter((v): v is number => v !== undefined && Number.isFinite(v));
      if (values.length === 0) continue;
      const d = describe(values);
      final[metric] = { n: d.n, mean: d.mean, std: Number.isFinite(d.std) ? d.std : null, min: d.min, max: d.max };
    }
  }
  return {
    name: group.name,
    runs: group.members.map((m) => m.run.name),
    seeds: group.members.map((m) => m.seed),
    repeats: group.repeats.map((r) => r.name),
    final,
  };
}

/** A run's points in step order, one per step: a step logged twice (a resumed run) keeps the value logged last. */
function pointsByStep(series: ScalarSeries): CurvePoint[] {
  const byStep = new Map<number, number>();
  for (const i of series.order()) byStep.set(series.steps[i]!, series.values[i]!);
  return [...byStep].map(([step, value]) => ({ step, value }));
}

/** A group's curve for one tag: the members that logged it, and at every step their n, mean, std, std error, min and max. */
export interface GroupCurve {
  runs: string[];
  points: BandPoint[];
}

/** The group's curve for `tag`; undefined when no member logged it. */
export function groupCurve(group: BoardGroup, tag: string): GroupCurve | undefined {
  const runs: string[] = [];
  const curves: CurvePoint[][] = [];
  for (const { run } of group.members) {
    const series = run.store.scalars.get(tag);
    if (!series) continue;
    runs.push(run.name);
    curves.push(pointsByStep(series));
  }
  return runs.length > 0 ? { runs, points: aggregateCurves(curves) } : undefined;
}

/** The curve as columns, thinned to about `samples` steps (every k-th step and the last; 0 keeps all). */
export function groupCurveColumns(curve: GroupCurve, samples: number): GroupCurveColumns {
  const kept = thinnedPositions(curve.points.length, samples).map((k) => curve.points[k]!);
  return {
    runs: curve.runs,
    total: curve.points.length,
    steps: kept.map((p) => p.step),
    n: kept.map((p) => p.n),
    mean: kept.map((p) => p.mean),
    std: kept.map((p) => p.std),
    stderr: kept.map((p) => p.stdErr),
    min: kept.map((p) => p.min),
    max: kept.map((p) => p.max),
  };
}

/** Every step of every curve as CSV: group,step,n,mean,std,stderr,min,max. */
export function groupCurvesCsv(curves: Map<string, GroupCurve>): string {
  const lines = ["group,step,n,mean,std,stderr,min,max"];
  for (const [name, curve] of curves) {
    for (const p of curve.points) lines.push([csvField(name), p.step, p.n, p.mean, p.std, p.stdErr, p.min, p.max].join(","));
  }
  return lines.join("\n") + "\n";
}
