// One colour per run, the same wherever a run is drawn (the dashboard, the
// report, figures): a 20-colour palette and the rule that places runs and
// seed groups in it. Pure; no DOM, no files. Not here: drawing.
//
// The rule: each name hashes (FNV-1a) to a preferred slot of the palette;
// runs are placed in the order they were created (the time in their first
// event file's name, `runCreatedAt`; then by name), and a run whose slot is
// taken, or whose colour is too close to one already given, moves on to the
// next slot that is free and far enough (or merely free, when none is). A run
// that appears later is placed after the others, so it never changes their
// colours; beyond 20 runs colours repeat, darkened. Seed groups get colours
// the same way, over their names, off the slots of the runs' colours while
// there are free ones.
//
// The colours depend on the runs given (a run takes its slot before every
// later one), so every caller passes the same runs: every run directory of the
// logdir that has event files, finished or not, with `runCreatedAt` of its
// event files. `assignLogdirColors` does all of it in one call.

/** Twenty well-separated colours (Kelly's and Tableau's, without near-greys or pale ones that vanish on white). */
export const RUN_PALETTE = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
  "#bcbd22", "#393b79", "#f3c300", "#875692", "#008856", "#e25822", "#0067a5", "#006d77",
  "#be0032", "#654522", "#8db600", "#b8860b",
] as const;

/** A run (or a group) to colour: its name and when it was created (seconds since the epoch; null when unknown, placed last). */
export interface ColoredRun {
  name: string;
  createdAt: number | null;
}

/**
 * When a run was created: the smallest time in its event files' names
 * (`events.out.tfevents.<seconds>.<host>.<pid>.<n>`, TensorFlow's naming),
 * or null when no name has one. Takes names or paths.
 */
export function runCreatedAt(eventFiles: readonly string[]): number | null {
  const times = eventFiles.map((file) => /tfevents\.(\d+)/.exec(file)?.[1]).filter((t) => t !== undefined).map(Number);
  return times.length > 0 ? Math.min(...times) : null;
}

/** 32-bit FNV-1a of a string's UTF-16 code units. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

function darken(hex: string, factor: number): string {
  const n = parseInt(hex.slice(1), 16);
  const channel = (shift: number) => Math.round(((n >> shift) & 255) * factor).toString(16).padStart(2, "0");
  return `#${channel(16)}${channel(8)}${channel(0)}`;
}

/** "Redmean" distance between two colours (#rrggbb): a cheap approximation of how different they look (0–765). */
export function colorDistance(a: string, b: string): number {
  const [r1, g1, b1] = [1, 3, 5].map((i) => parseInt(a.slice(i, i + 2), 16));
  const [r2, g2, b2] = [1, 3, 5].map((i) => parseInt(b.slice(i, i + 2), 16));
  const mean = (r1! + r2!) / 2;
  const [dr, dg, db] = [r1! - r2!, g1! - g2!, b1! - b2!];
  return Math.sqrt((2 + mean / 256) * dr * dr + 4 * dg * dg + (2 + (255 - mean) / 256) * db * db);
}

const MIN_DISTANCE = 200;

/** Names in the order they get colours: by creation time (unknown last), then by name. */
function inCreationOrder(items: readonly ColoredRun[]): string[] {
  return [...items]
    .sort((a, b) => (a.createdAt ?? Infinity) - (b.createdAt ?? Infinity) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((item) => item.name);
}

/**
 * Places names in the palette (see the file header). `avoided` lists sets of
 * slots to stay off, most important first: a name takes a slot outside all
 * of them while one is free, else outside the first ones only; and keeps
 * far from the names placed before it and from the first set.
 */
function placeInPalette(names: readonly string[], avoided: readonly ReadonlySet<number>[] = []): Map<string, string> {
  const colors = new Map<string, string>();
  const size = RUN_PALETTE.length;
  for (let round = 0; round * size < names.length; round++) {
    const taken = new Set<number>();
    for (const name of names.slice(round * size, (round + 1) * size)) {
      const preferred = fnv1a(name) % size;
      const free = Array.from({ length: size }, (_, k) => (preferred + k) % size).filter((slot) => !taken.has(slot));
      let candidates = free;
      for (let kept = avoided.length; kept > 0; kept--) {
        const outside = free.filter((slot) => avoided.slice(0, kept).every((set) => !set.has(slot)));
        if (outside.length > 0) {
          candidates = outside;
          break;
        }
      }
      const neighbours = [...taken, ...(avoided[0] ?? [])];
      const slot = candidates.find((c) => neighbours.every((t) => colorDistance(RUN_PALETTE[c]!, RUN_PALETTE[t]!) >= MIN_DISTANCE)) ?? candidates[0]!;
      taken.add(slot);
      colors.set(name, round === 0 ? RUN_PALETTE[slot]! : darken(RUN_PALETTE[slot]!, Math.max(0.35, 1 - 0.25 * round)));
    }
  }
  return colors;
}

/** A colour (#rrggbb) for every run; see the file header for the rule. */
export function assignRunColors(runs: readonly ColoredRun[]): Map<string, string> {
  return placeInPalette(inCreationOrder(runs));
}

/**
 * A colour for every seed group, placed like run colours (over group names;
 * a group's creation time is its first run's), avoiding first the colours of
 * the runs drawn beside the groups (`runsDrawnAlone`: runs in no group), then
 * those of every other run, so that a group's mean line is not taken for a
 * run's. When the palette runs short the avoidance gives way, in that order.
 */
export function assignGroupColors(groups: readonly ColoredRun[], runColors: ReadonlyMap<string, string>, runsDrawnAlone: ReadonlySet<string>): Map<string, string> {
  const slotsOf = (runs: string[]) => new Set(runs.map((run) => (RUN_PALETTE as readonly string[]).indexOf(runColors.get(run) ?? "")).filter((slot) => slot >= 0));
  const runs = [...runColors.keys()];
  return placeInPalette(inCreationOrder(groups), [slotsOf(runs.filter((r) => runsDrawnAlone.has(r))), slotsOf(runs.filter((r) => !runsDrawnAlone.has(r)))]);
}

/** A seed group to colour: its name and its member runs. */
export interface GroupOfRuns {
  name: string;
  runs: readonly string[];
}

/**
 * The colours of a whole logdir, as the dashboard gives them: every run's
 * (`runs`: every run directory with event files) and every seed group's (a
 * group is as old as its oldest run; the runs in no group are the ones drawn
 * beside the groups).
 */
export function assignLogdirColors(runs: readonly ColoredRun[], groups: readonly GroupOfRuns[]): { runs: Map<string, string>; groups: Map<string, string> } {
  const runColors = assignRunColors(runs);
  const createdAt = new Map(runs.map((run) => [run.name, run.createdAt]));
  const grouped = new Set(groups.flatMap((group) => group.runs));
  const firstCreated = (group: GroupOfRuns) => {
    const times = group.runs.map((run) => createdAt.get(run)).filter((t): t is number => typeof t === "number");
    return times.length > 0 ? Math.min(...times) : null;
  };
  const alone = new Set(runs.map((run) => run.name).filter((name) => !grouped.has(name)));
  const groupColors = assignGroupColors(groups.map((group) => ({ name: group.name, createdAt: firstCreated(group) })), runColors, alone);
  return { runs: runColors, groups: groupColors };
}
