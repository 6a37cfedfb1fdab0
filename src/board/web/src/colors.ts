// Run colours: stable per run name and distinct among the runs shown.
// Each name hashes (FNV-1a) to a preferred slot of a 20-colour palette; runs
// are placed in the order they were created (the time in their first event
// file's name; then by name), and a run whose slot is taken, or whose colour
// is too close to one already given, moves on to the next slot that is free
// and far enough (or merely free, when none is). A run that appears later is
// placed after the others, so it never changes their colours; beyond 20 runs
// colours repeat, darkened. Seed groups get colours the same way, over their
// names, off the slots of the runs' colours while there are free ones.
// Pure; no DOM. Also the ten digit colours of the embedding view.

/** Twenty well-separated colours (Kelly's and Tableau's, without near-greys or pale ones that vanish on white). */
export const RUN_PALETTE = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
  "#bcbd22", "#393b79", "#f3c300", "#875692", "#008856", "#e25822", "#0067a5", "#006d77",
  "#be0032", "#654522", "#8db600", "#b8860b",
] as const;

/** One colour per digit 0–9 (Tableau 10). */
export const DIGIT_COLORS = [
  "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#17becf",
] as const;

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

/** "Redmean" distance between two colours: a cheap approximation of how different they look (0–765). */
export function colorDistance(a: string, b: string): number {
  const [r1, g1, b1] = [1, 3, 5].map((i) => parseInt(a.slice(i, i + 2), 16));
  const [r2, g2, b2] = [1, 3, 5].map((i) => parseInt(b.slice(i, i + 2), 16));
  const mean = (r1! + r2!) / 2;
  const [dr, dg, db] = [r1! - r2!, g1! - g2!, b1! - b2!];
  return Math.sqrt((2 + mean / 256) * dr * dr + 4 * dg * dg + (2 + (255 - mean) / 256) * db * db);
}

const MIN_DISTANCE = 200;

/** A run to colour: its name and when it was created (seconds; null when unknown, placed last). */
export interface ColoredRun {
  name: string;
  createdAt: number | null;
}

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

/** A colour for every run; see the file header for the rule. */
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
