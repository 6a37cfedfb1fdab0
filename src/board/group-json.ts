// The JSON shapes of the dashboard's seed-group routes (GET /api/groups and
// /api/groups/scalars): what the server writes (groups.ts) and the page reads
// (web/src/api.ts), declared once. Types and names only, free of Node, so the
// page's build imports them too. Not here: how they are computed (groups.ts).

/** The results in run.json's `final` whose spread over a group's seeds is reported. */
export const FINAL_METRICS = ["testAccuracy", "testLoss", "trainAccuracy", "trainLoss"] as const;
export type FinalMetric = (typeof FINAL_METRICS)[number];

/** A final result over a group's seeds (std null with one value). */
export interface Spread {
  /** Seeds with this result. */
  n: number;
  mean: number;
  std: number | null;
  min: number;
  max: number;
}

/** A seed group as GET /api/groups lists it: runs whose configs differ only in the seed. */
export interface GroupInfo {
  name: string;
  /** Member runs, by seed. */
  runs: string[];
  seeds: number[];
  /** Runs repeating a member's seed (in no statistic). */
  repeats: string[];
  /** n: members that finished; then the spread of each of their final results; null while none has finished. */
  final: ({ n: number } & Partial<Record<FinalMetric, Spread>>) | null;
}

/**
 * A group's curve for a tag as columns: at each step, the seeds with a value
 * (n) and their statistics; `total` is the number of steps before thinning.
 */
export interface GroupCurveColumns {
  runs: string[];
  total: number;
  steps: number[];
  n: number[];
  mean: number[];
  std: number[];
  stderr: number[];
  min: number[];
  max: number[];
}
