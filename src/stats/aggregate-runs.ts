// Each seed group's curves as three ordinary TensorBoard runs, since
// TensorBoard cannot draw a band: LOGDIR/_groups/<group>/mean, …/min and
// …/max, each holding every scalar tag of the group's runs under the same tag
// names (loss/train, accuracy/test, gradient_norm/conv1, …), one value per
// step: the mean, minimum or maximum over the group's runs that logged a
// finite value at that step (band.ts aggregateCurves; a diverged run's NaN
// is left out). Each point's wall time is the mean of those runs' wall times
// at that step. Besides the scalars, each aggregate run holds one text
// summary, `group`, at step 0, naming the member runs and their seeds (its
// wall time: the mean of the members' start times); nothing else.
//
// A member's events are read as TensorBoard merges them (run-events.ts: a
// resumed run's restart marker supersedes what its earlier file wrote past
// the checkpoint); where a run logs one tag twice at one step, the later
// value counts. LOGDIR/_groups is derived data: every call removes it and
// writes it afresh, so a group that is gone leaves nothing behind; nothing
// outside it is touched. Groups of one run get no aggregate runs.
// Not here: which runs form a group (run-groups.ts), the per-step numbers
// (band.ts), the bands the report and the dashboard draw themselves.

import { existsSync, lstatSync, readFileSync, rmSync, statSync } from "node:fs";
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import type { EventMessage, SummaryValue } from "../tensorboard/messages.js";
import { readRunEvents } from "../tensorboard/run-events.js";
import { scalarOf } from "../tensorboard/summaries.js";
import { SummaryWriter } from "../tensorboard/summary-writer.js";
import { validateRunName } from "../train/config.js";
import { RUN_FILE } from "../train/run-directory.js";
import { aggregateCurves, type BandPoint } from "./band.js";
import { GROUP_RUNS_DIR, seedList } from "./run-groups.js";

/** The three aggregate runs of a group, in the order they are written. */
export const GROUP_STATISTICS = ["mean", "min", "max"] as const;
export type GroupStatistic = (typeof GROUP_STATISTICS)[number];

/** The text summary tag of every aggregate run. */
export const GROUP_TEXT_TAG = "group";

const HPARAMS_TAG_PREFIX = "_hparams_/";
const SCALARS_PLUGIN = "scalars";

/** A scalar point of one run: its value and the wall time it was logged at. */
interface LoggedPoint {
  value: number;
  wallTime: number;
}

/** What one member run contributes: its scalar curves by tag (step → point), its seed and start time. */
interface MemberCurves {
  name: string;
  runDir: string;
  seed: number | undefined;
  /** Wall time of the run's first event; undefined if it has none. */
  startTime: number | undefined;
  curves: Map<string, Map<number, LoggedPoint>>;
}

/**
 * Writes `LOGDIR/_groups/<group>/{mean,min,max}` for every group with at
 * least two runs, after removing whatever `LOGDIR/_groups` held. Returns the
 * (absolute) run directories written, group by group in the order given.
 * Throws, before touching anything, if a group name is not one path segment,
 * two groups share a name, a run is listed twice, a run lies inside
 * `LOGDIR/_groups`, or `LOGDIR/_groups` exists and is not a directory.
 */
export function writeGroupAggregateRuns(logdir: string, groups: readonly { name: string; runDirs: readonly string[] }[]): { dirs: string[] } {
  const root = resolve(logdir);
  const groupsRoot = join(root, GROUP_RUNS_DIR);
  checkGroupNames(groups);
  checkGroupsRoot(groupsRoot);

  const aggregated = groups.filter((group) => group.runDirs.length >= 2).map((group) => {
    const runDirs = group.runDirs.map((runDir) => resolve(runDir));
    runDirs.forEach((runDir, i) => {
      if (runDirs.indexOf(runDir) !== i) throw new Error(`run ${runDir} is listed twice in group "${group.name}"; list each run once`);
      if (isInside(runDir, groupsRoot)) {
        throw new Error(`run ${runDir} of group "${group.name}" lies inside ${groupsRoot}, which holds only derived aggregate runs ` +
          "and is rewritten on every call; give the group's own run directories");
      }
    });
    return { name: group.name, members: runDirs.map(readMemberCurves) };
  });

  // Everything is read; only now is the derived folder replaced.
  rmSync(groupsRoot, { recursive: true, force: true });
  const dirs: string[] = [];
  for (const group of aggregated) {
    const series = aggregateGroup(group.members);
    const startTime = meanOf(group.members.map((m) => m.startTime).filter((t): t is number => t !== undefined)) ?? Date.now() / 1000;
    for (const statistic of GROUP_STATISTICS) {
      const dir = join(groupsRoot, group.name, statistic);
      writeAggregateRun(dir, statistic, series, groupText(group.name, statistic, group.members), startTime);
      dirs.push(dir);
    }
  }
  return { dirs };
}

/** Group names become directory names: one path segment each (as run names are), no two alike. */
function checkGroupNames(groups: readonly { name: string }[]): void {
  const seen = new Set<string>();
  for (const { name } of groups) {
    try {
      validateRunName(name);
    } catch {
      throw new Error(`group name ${JSON.stringify(name)} cannot name a folder under ${GROUP_RUNS_DIR}/: ` +
        "it must be one path segment of letters, digits and . _ + = - (not starting with . or -), as run names are");
    }
    if (seen.has(name)) throw new Error(`two groups are named "${name}"; group names must be unique (groupRuns makes them so)`);
    seen.add(name);
  }
}

/** Refuses a `_groups` that is a file, a link or anything else but a directory: it is not ours to remove. */
function checkGroupsRoot(groupsRoot: string): void {
  let stats;
  try {
    stats = lstatSync(groupsRoot);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  if (!stats.isDirectory()) {
    throw new Error(`${groupsRoot} exists and is not a directory; lenet-lab writes each seed group's mean, min and max ` +
      `curves there and replaces the folder on every call. Move or remove ${groupsRoot} and run again`);
  }
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** A member run's scalar curves as TensorBoard shows them, with its seed from run.json. */
function readMemberCurves(runDir: string): MemberCurves {
  if (!existsSync(runDir) || !statSync(runDir).isDirectory()) {
    throw new Error(`run directory ${runDir} not found; give the directories of the group's runs`);
  }
  const { events } = readRunEvents(runDir);
  const curves = new Map<string, Map<number, LoggedPoint>>();
  for (const event of events) {
    for (const value of event.summary?.value ?? []) {
      const scalar = scalarValue(value);
      if (scalar === undefined) continue;
      let curve = curves.get(value.tag);
      if (!curve) curves.set(value.tag, (curve = new Map()));
      curve.set(stepOf(event), { value: scalar, wallTime: event.wallTime });
    }
  }
  return { name: basename(runDir), runDir, seed: seedOf(runDir), startTime: events[0]?.wallTime, curves };
}

function stepOf(event: EventMessage): number {
  return Number(event.step ?? 0);
}

/** The scalar a summary value holds, or undefined for hparams, other plugins' tensors, histograms, images and text. */
function scalarValue(value: SummaryValue): number | undefined {
  if (value.tag.startsWith(HPARAMS_TAG_PREFIX)) return undefined;
  const plugin = value.metadata?.pluginData?.pluginName;
  if (plugin && plugin !== SCALARS_PLUGIN) return undefined;
  return scalarOf(value);
}

/** The seed in the run's run.json, or undefined if there is none to read. */
function seedOf(runDir: string): number | undefined {
  try {
    const seed = (JSON.parse(readFileSync(join(runDir, RUN_FILE), "utf8")) as { config?: { seed?: unknown } }).config?.seed;
    return typeof seed === "number" ? seed : undefined;
  } catch {
    return undefined;
  }
}

/** One tag's aggregate: the band points and, per step, the mean wall time of the runs they aggregate. */
interface TagSeries {
  tag: string;
  points: BandPoint[];
  wallTimes: Map<number, number>;
}

/** Every tag of the group's runs (in order of first appearance), aggregated per step. */
function aggregateGroup(members: readonly MemberCurves[]): TagSeries[] {
  const tags = [...new Set(members.flatMap((member) => [...member.curves.keys()]))];
  return tags.map((tag) => {
    const logged = members.map((member) => member.curves.get(tag) ?? new Map<number, LoggedPoint>());
    const points = aggregateCurves(logged.map((curve) => [...curve].map(([step, { value }]) => ({ step, value }))));
    const wallTimes = new Map<number, number>();
    for (const { step } of points) {
      const times = logged.map((curve) => curve.get(step)).filter((p) => p !== undefined && Number.isFinite(p.value)).map((p) => p!.wallTime);
      wallTimes.set(step, meanOf(times)!);
    }
    return { tag, points, wallTimes };
  });
}

function meanOf(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** The `group` text: which statistic this run is, and of which runs and seeds. */
function groupText(group: string, statistic: GroupStatistic, members: readonly MemberCurves[]): string {
  const seeds = members.map((m) => m.seed).filter((s): s is number => s !== undefined);
  const what = { mean: "Mean", min: "Minimum", max: "Maximum" }[statistic];
  const lines = [
    `**${what}** of group **${group}** over ${members.length} runs (${seeds.length === members.length ? seedList(seeds) : "seeds as listed"}), ` +
      "at each step over the runs that logged a finite value there:",
    "",
    ...members.map((m) => `- ${m.name} (${m.seed === undefined ? "seed unknown: no readable run.json" : `seed ${m.seed}`})`),
  ];
  return lines.join("\n");
}

/** One aggregate run: the text, then every tag's points in step order. */
function writeAggregateRun(dir: string, statistic: GroupStatistic, series: readonly TagSeries[], text: string, startTime: number): void {
  const points = series.flatMap(({ tag, points: band, wallTimes }, tagIndex) =>
    band.map((point) => ({ tag, tagIndex, step: point.step, value: point[statistic], wallTime: wallTimes.get(point.step)! })));
  points.sort((a, b) => a.step - b.step || a.tagIndex - b.tagIndex);
  const writer = new SummaryWriter(dir, { flushIntervalMs: 0 });
  try {
    writer.addText(GROUP_TEXT_TAG, text, 0, startTime);
    for (const point of points) writer.addScalar(point.tag, point.value, point.step, point.wallTime);
  } finally {
    writer.close();
  }
}
