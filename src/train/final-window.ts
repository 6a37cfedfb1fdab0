// The end of a run as a window rather than a point: the test accuracy moves
// by half a point or more from one evaluation to the next, so the last
// evaluation alone is one draw of that swing. run.json's `finalWindow` is the
// mean of the last k evaluations and the range they span — only evaluations
// in the last quarter of training, so that a short run's window does not
// reach back into the climb.

import type { EvalRecord } from "./trainer.js";

/** Evaluations in the final window (the last 200 iterations at the default --eval-every 50). */
export const FINAL_WINDOW_EVALUATIONS = 5;
/** The window never reaches back further than this share of the run's iterations. */
export const FINAL_WINDOW_SPAN = 0.25;

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
  if (history.length === 0) return null;
  const last = history[history.length - 1].iteration;
  const recent = history.slice(-evaluations).filter((r) => r.iteration >= (1 - FINAL_WINDOW_SPAN) * last);
  const window = recent.length > 0 ? recent : history.slice(-1);
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
