// The end of a run as a window rather than a point: the test accuracy moves
// by half a point or more from one evaluation to the next, so the last
// evaluation alone is one draw of that swing. run.json's `finalWindow` is the
// mean of the last k evaluations and the range they span.

import type { EvalRecord } from "./trainer.js";

/** Evaluations in the final window (the last 200 iterations at the default --eval-every 50). */
export const FINAL_WINDOW_EVALUATIONS = 5;

export interface FinalWindow {
  /** How many evaluations the means are over (fewer than k when the run evaluated fewer times). */
  evaluations: number;
  /** The iterations of the first and last evaluation in the window. */
  fromIteration: number;
  toIteration: number;
  testAccuracy: number;
  testLoss: number;
  /** The lowest and highest test accuracy in the window: the run's own eval-to-eval swing. */
  testAccuracyMin: number;
  testAccuracyMax: number;
}

/** The final window of an evaluation history, or null before the first evaluation. */
export function finalWindowOf(history: readonly Pick<EvalRecord, "iteration" | "testAccuracy" | "testLoss">[],
  evaluations = FINAL_WINDOW_EVALUATIONS): FinalWindow | null {
  const window = history.slice(-evaluations);
  if (window.length === 0) return null;
  const mean = (pick: (r: (typeof window)[number]) => number) => window.reduce((sum, r) => sum + pick(r), 0) / window.length;
  const accuracies = window.map((r) => r.testAccuracy);
  return {
    evaluations: window.length,
    fromIteration: window[0].iteration,
    toIteration: window[window.length - 1].iteration,
    testAccuracy: mean((r) => r.testAccuracy),
    testLoss: mean((r) => r.testLoss),
    testAccuracyMin: Math.min(...accuracies),
    testAccuracyMax: Math.max(...accuracies),
  };
}
