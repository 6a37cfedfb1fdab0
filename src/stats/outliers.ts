// Seeds that fell far behind the rest of their group: a stalled sigmoid run
// among ones that learned. Each value is held against the others of its
// group — their median, and their spread as a scaled median absolute
// deviation — so one bad seed cannot hide itself by widening the spread.
// A value is far below when it lies under that median by more than both a
// fixed gap and four times the others' spread.

import { median } from "./describe.js";

export interface Flagged<T> {
  item: T;
  value: number;
  /** The median of the other values. */
  reference: number;
}

/** 1.4826 × the median absolute deviation: the standard deviation, for normal data, that one outlier cannot move. */
function robustSpread(values: readonly number[]): number {
  const m = median(values);
  return 1.4826 * median(values.map((v) => Math.abs(v - m)));
}

/**
 * The items whose value is far below the rest of their group (needs at least
 * two items). `minGap` is in the values' units (0.05 = 5 percentage points of accuracy).
 */
export function farBelow<T>(items: readonly { item: T; value: number }[], minGap: number): Flagged<T>[] {
  if (items.length < 2) return [];
  const flagged: Flagged<T>[] = [];
  items.forEach((candidate, i) => {
    const others = items.filter((_, j) => j !== i).map((o) => o.value);
    const reference = median(others);
    const threshold = Math.max(minGap, 4 * robustSpread(others));
    if (candidate.value < reference - threshold) flagged.push({ item: candidate.item, value: candidate.value, reference });
  });
  return flagged;
}
