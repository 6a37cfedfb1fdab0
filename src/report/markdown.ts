// The report's text as Markdown (report.md; index.html is made from it): the
// question, every group's config with the differences in bold, results per
// group (mean ± std over seeds, with 95 % intervals) and per run, findings,
// and the figures in order — curves, diagnostics, weights, kernels and fc
// matrices, feature maps, fc2 maps (pictures of one named seed per group).
// Image paths are relative to the report directory. Pure: data and file
// names in, text out.

import { seedList } from "../stats/run-groups.js";
import { describeLayers } from "../engine/architecture.js";
import type { RunConfig } from "../train/config.js";
import type { Fc2Stats } from "./findings.js";
import type { ReportGroup } from "./groups.js";
import type { RunRecord, UnfinishedRun } from "./run-data.js";

export interface RunFigures {
  /** TensorBoard images of the run, in display order. */
  logged: { tag: string; path: string; step: number; firstPath?: string; firstStep?: number }[];
  fc2?: { allDigits: string; classMeans: string; similarity: string; digits: string[] };
  /** confusion.png and misclassified.png of the run. */
  classes?: { confusion: string; misclassified: string };
}

export interface ReportContent {
  logdir: string;
  generatedAt: string;
  runs: readonly RunRecord[];
  /** The runs in groups of seeds; a group's representative is the run its pictures show. */
  groups: readonly ReportGroup[];
  unfinished: readonly UnfinishedRun[];
  /** fc2 numbers of the runs that have maps, by run name. */
  fc2Stats?: ReadonlyMap<string, Fc2Stats>;
  findings: readonly string[];
  charts: { loss?: string; accuracy?: string; gradients?: string; units?: string; weights?: string; perClass?: string };
  figures: ReadonlyMap<string, RunFigures>;
  crossRun?: { all: string; digits: string[] };
  /** The range of each run's fc2 values, for reading the shared scale. */
  fc2Ranges?: { run: string; min: number; max: number }[];
  inputs?: string;
}

/** Escapes the characters Markdown would read as formatting. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>|#])/g, "\\$1");
}

/** "0 … 41.3": a range of values with three significant digits. */
const formatRange = (min: number, max: number) => `${Number(min.toPrecision(3))} … ${Number(max.toPrecision(3))}`;
const image = (alt: string, path: string) => `![${escapeMarkdown(alt)}](${encodeURI(path)})`;
const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

/** Settings shown in the config table, in order, with their display names. */
const CONFIG_ROWS: [keyof RunConfig, string][] = [
  ["activation", "activation"], ["optimizer", "optimizer"], ["lr", "learning rate"], ["batchSize", "batch size"],
  ["iterations", "iterations"], ["evalEvery", "evaluate every"], ["initMean", "init mean"], ["initStd", "init std"],
  ["seed", "seed"], ["dataset", "data set"], ["dataDir", "data directory"], ["summaries", "summaries"],
];

/** The settings of every group, one column each; a group's seeds in one cell. */
function configTable(groups: readonly ReportGroup[]): string {
  const header = `| setting | ${groups.map((g) => escapeMarkdown(g.name)).join(" | ")} |`;
  const rule = `|---|${groups.map(() => "---").join("|")}|`;
  const rows = CONFIG_ROWS.filter(([key]) => groups.some((g) => g.config[key] !== undefined)).map(([key, label]) => {
    const values = groups.map((g) => (key === "seed" ? g.members.map((m) => m.seed).join(", ") : String(g.config[key] ?? "—")));
    const differs = key !== "seed" && new Set(values).size > 1;
    const cells = values.map((v) => (differs ? `**${escapeMarkdown(v)}**` : escapeMarkdown(v)));
    return `| ${differs ? `**${label}** (differs)` : key === "seed" ? "seeds" : label} | ${cells.join(" | ")} |`;
  });
  return [header, rule, ...rows].join("\n");
}

const spread = (mean: number, std: number, n: number, format: (x: number) => string) => (n >= 2 ? `${format(mean)} ± ${format(std)}` : format(mean));
const pp = (x: number) => (100 * x).toFixed(2);

/** One row per group: n, test accuracy and loss (mean ± std, 95 % interval, range), when it learned, time, fc2 separability. */
function groupResultsTable(groups: readonly ReportGroup[], fc2Stats: ReadonlyMap<string, Fc2Stats> | undefined): string {
  const withFc2 = fc2Stats && groups.some((g) => g.members.some((m) => fc2Stats.has(m.run.name)));
  const lines = [
    `| group | seeds | test accuracy, % (mean of last evaluations) | 95% CI | lowest … highest seed | final test accuracy, % | test loss | reached 90% at iteration | wall time, s |${withFc2 ? " fc2 cosine between digits |" : ""}`,
    `|---|---|---:|---:|---:|---:|---:|---:|---:|${withFc2 ? "---:|" : ""}`,
  ];
  for (const g of groups) {
    const w = g.windowAccuracy;
    const reached = g.neverReached.length === g.members.length ? "never"
      : `${spread(g.reached.mean, g.reached.std, g.reached.n, (x) => x.toFixed(0))}${g.neverReached.length > 0 ? ` (${g.reached.n} of ${g.members.length})` : ""}`;
    const cosines = withFc2 ? g.members.map((m) => fc2Stats!.get(m.run.name)?.meanCosine).filter((c): c is number => c !== undefined) : [];
    const cosineMean = cosines.reduce((sum, c) => sum + c, 0) / cosines.length;
    const cosineStd = cosines.length >= 2 ? Math.sqrt(cosines.reduce((sum, c) => sum + (c - cosineMean) ** 2, 0) / (cosines.length - 1)) : NaN;
    const missing = g.missing.length > 0 ? ` (${seedList(g.missing.map((m) => m.seed))} without results)` : "";
    lines.push(`| ${escapeMarkdown(g.name)} | ${g.members.map((m) => m.seed).join(", ")}${escapeMarkdown(missing)} | ` +
      `**${spread(w.mean, w.std, w.n, pp)}** | ${w.ci95 ? `${pp(w.ci95.low)} … ${pp(w.ci95.high)}` : "— (one seed)"} | ` +
      `${w.n >= 2 ? `${pp(w.min)} … ${pp(w.max)}` : "—"} | ${spread(g.finalAccuracy.mean, g.finalAccuracy.std, g.finalAccuracy.n, pp)} | ` +
      `${spread(g.windowLoss.mean, g.windowLoss.std, g.windowLoss.n, (x) => x.toFixed(4))} | ${reached} | ` +
      `${spread(g.seconds.mean, g.seconds.std, g.seconds.n, (x) => x.toFixed(1))} |` +
      (withFc2 ? ` ${cosines.length > 0 ? spread(cosineMean, cosineStd, cosines.length, (x) => x.toFixed(2)) : "—"} |` : ""));
  }
  return lines.join("\n");
}

function resultsTable(runs: readonly RunRecord[]): string {
  const lines = [
    "| run | test accuracy | test loss | train accuracy | train loss | iterations | wall time | training time | train images/s |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  const best = Math.max(...runs.map((r) => r.summary.final.testAccuracy));
  for (const r of runs) {
    const s = r.summary;
    const accuracy = percent(s.final.testAccuracy);
    lines.push(`| ${escapeMarkdown(r.name)} | ${s.final.testAccuracy === best ? `**${accuracy}**` : accuracy} | ` +
      `${s.final.testLoss.toFixed(4)} | ${percent(s.final.trainAccuracy)} | ${s.final.trainLoss.toFixed(4)} | ${s.iterations} | ` +
      `${s.seconds.toFixed(1)} s | ${(s.trainSeconds ?? s.seconds).toFixed(1)} s | ${Math.round(s.trainImagesPerSecond)} |`);
  }
  return lines.join("\n");
}

/** What differs between the groups, in words ("activation (relu, sigmoid)"), and their seeds. */
function differences(groups: readonly ReportGroup[]): string {
  const differing = CONFIG_ROWS.filter(([key]) => key !== "seed" && new Set(groups.map((g) => String(g.config[key]))).size > 1)
    .map(([key, label]) => `${label} (${[...new Set(groups.map((g) => String(g.config[key])))].join(", ")})`);
  const seedSets = [...new Set(groups.map((g) => seedList(g.members.map((m) => m.seed))))];
  const seeds = seedSets.length === 1 ? `each ran with ${seedSets[0]}` : "each ran with the seeds listed below";
  if (groups.length === 1) return `One configuration, which ${seeds}.`;
  return differing.length > 0 ? `These configurations differ in ${differing.join(" and ")}, and ${seeds}; everything else is the same.`
    : `These configurations share every setting and ${seeds}.`;
}

/** What each logged picture shows, with the sizes of the network's own description. */
function loggedCaptions(): Record<string, string> {
  const captions: Record<string, string> = {};
  for (const layer of describeLayers()) {
    const { spec } = layer;
    const weight = layer.parameters[0]?.shape;
    if (spec.kind === "conv2d" && weight) {
      const [out, inChannels, k] = weight;
      captions[`kernels/${spec.name}`] = inChannels === 1
        ? `${spec.name} kernels (${out} of ${k}×${k})`
        : `${spec.name} kernels (${out} rows × ${inChannels} input channels, ${k}×${k} each)`;
      captions[`feature_maps/${spec.name}`] = `${spec.name} feature maps of a probe image (${out} channels)`;
    } else if (spec.kind === "dense" && weight) {
      const [out, inputs] = weight;
      captions[`weights/${spec.name}`] = `${spec.name} weights (${inputs} inputs down × ${out} outputs across)`;
    }
  }
  return captions;
}
const LOGGED_CAPTIONS = loggedCaptions();

/**
 * The TensorBoard images whose tag starts with `prefix` as one table: a row
 * per picture (kernels also with their first logged state), a column per
 * run, so that runs compare side by side.
 */
function loggedTable(shown: readonly { run: RunRecord; label: string }[], figures: ReadonlyMap<string, RunFigures>, prefix: string): string[] {
  const runs = shown.map((s) => s.run);
  const tags = [...new Set(runs.flatMap((run) => (figures.get(run.name)?.logged ?? []).map((l) => l.tag)))].filter((t) => t.startsWith(prefix));
  if (tags.length === 0) return [];
  const cell = (alt: string, path: string | undefined, step: number | undefined) =>
    path ? `${image(alt, path)}<br>iteration ${step}` : "—";
  const rows: string[] = [];
  for (const tag of tags) {
    const entries = runs.map((run) => figures.get(run.name)?.logged.find((l) => l.tag === tag));
    const caption = escapeMarkdown(LOGGED_CAPTIONS[tag] ?? tag);
    if (entries.some((e) => e?.firstPath)) {
      rows.push(`| ${caption}, first logged | ${entries.map((e, i) => cell(`${runs[i].name} ${tag} first`, e?.firstPath ?? e?.path, e?.firstStep ?? e?.step)).join(" | ")} |`);
      rows.push(`| ${caption}, last | ${entries.map((e, i) => cell(`${runs[i].name} ${tag}`, e?.path, e?.step)).join(" | ")} |`);
    } else {
      rows.push(`| ${caption} | ${entries.map((e, i) => cell(`${runs[i].name} ${tag}`, e?.path, e?.step)).join(" | ")} |`);
    }
  }
  return [`| picture | ${shown.map((s) => escapeMarkdown(s.label)).join(" | ")} |`, `|---|${runs.map(() => "---").join("|")}|`, ...rows, ""];
}

/** The whole report as Markdown. */
export function reportMarkdown(c: ReportContent): string {
  const runs = c.runs;
  const groups = c.groups;
  const seeded = groups.some((g) => g.members.length >= 2);
  // The run whose pictures stand for its group, labelled with its seed when the group has several.
  const shown = groups.map((g) => ({ run: g.representative.run, label: g.members.length >= 2 ? `${g.name} (seed ${g.representative.seed})` : g.representative.run.name }));
  const out: string[] = [
    seeded
      ? `# LeNet-5 on MNIST: ${groups.length} configuration${groups.length === 1 ? "" : "s"}, ${runs.length} runs over seeds`
      : `# LeNet-5 on MNIST: ${runs.length} run${runs.length === 1 ? "" : "s"} compared`, "",
    `Generated ${c.generatedAt} from \`${c.logdir}\` by \`lenet-lab report\`. Everything below is read from the run ` +
      "directories (run.json, model.safetensors, the TensorBoard event files, fc2/); `npx lenet-lab report LOGDIR` makes it again.", "",
    "## The question", "",
    "How does the choice of activation function (ReLU or sigmoid) and of optimizer (plain gradient descent or Adam) change " +
      "what LeNet-5 learns on MNIST: how fast and how well it learns, how the gradients reach the early layers, and what " +
      "the 84 units of its last hidden layer (fc2) respond to for each digit? One training run is one draw — its seed " +
      "picks the initial weights and the order of the data — so each configuration is judged over its seeds.", "",
  ];
  if (groups.length > 0) out.push(differences(groups), "");
  out.push("## Runs", "");
  if (runs.length > 0) {
    out.push(configTable(groups), "", "## Results", "",
      seeded ? "Per configuration, over its seeds: mean ± standard deviation, the 95% confidence interval of the mean (Student's t), " +
        "and the lowest and highest seed. Test accuracy is each run's mean over its last evaluations (`finalWindow` in run.json)."
        : "One seed per configuration: each number is one draw. Test accuracy is each run's mean over its last evaluations " +
        "(`finalWindow` in run.json); `lenet-lab compare --seeds 3` gives the spread between seeds.", "",
      groupResultsTable(groups, c.fc2Stats), "", "### Every run", "", resultsTable(runs), "");
  } else {
    out.push("No run in this logdir has finished.", "");
  }
  out.push("## Findings", "", ...c.findings.map((f) => `- ${escapeMarkdown(f)}`), "");

  out.push("## Learning curves", "");
  if (seeded) out.push("Each configuration's mean over its seeds as a line, the band from its lowest to its highest seed shaded, each seed faint.", "");
  if (c.charts.loss) out.push(image("loss curves", c.charts.loss), "");
  if (c.charts.accuracy) out.push(image("accuracy curves", c.charts.accuracy), "");

  const withClasses = shown.filter((s) => c.figures.get(s.run.name)?.classes);
  if (c.charts.perClass || withClasses.length > 0) {
    out.push("## Which classes each configuration gets wrong", "",
      "Accuracy alone hides what a network gets wrong. Below: each class's test error, then each configuration's confusion " +
        "matrix (rows: the true class; columns: what the network predicted; the colour is the share of the true class's images " +
        "in the cell) and the test images it was surest of and still got wrong. The most confused pairs are in Findings.", "");
    if (c.charts.perClass) out.push(image("test error of each class", c.charts.perClass), "");
    if (withClasses.length > 0) {
      const cells = (pick: (f: NonNullable<RunFigures["classes"]>) => string, alt: string) =>
        withClasses.map((s) => image(`${s.label} ${alt}`, pick(c.figures.get(s.run.name)!.classes!))).join(" | ");
      out.push(`| | ${withClasses.map((s) => escapeMarkdown(s.label)).join(" | ")} |`, `|---|${withClasses.map(() => "---").join("|")}|`,
        `| confusion matrix | ${cells((f) => f.confusion, "confusion matrix")} |`,
        `| surest mistakes | ${cells((f) => f.misclassified, "misclassified test images")} |`, "");
    }
  }

  out.push("## Diagnostics", "",
    "Why a network learns slowly shows in its gradients: the norm of each layer's gradient on a training batch, and the " +
      "share of units that pass no signal (dead ReLUs) or sit where the sigmoid is flat (saturated).", "");
  if (c.charts.gradients) out.push(image("gradient norm per layer", c.charts.gradients), "");
  if (c.charts.units) out.push(image("dead and saturated units", c.charts.units), "");
  if (!c.charts.gradients && !c.charts.units) out.push("The event files hold no diagnostics (runs logged with --summaries minimal).", "");

  out.push("## Weights", "");
  if (seeded) out.push(`Pictures from here on show one seed of each configuration: ${shown.map((s) => escapeMarkdown(s.label)).join(", ")}.`, "");
  if (c.charts.weights) out.push(image("final weight and bias distributions", c.charts.weights), "");
  out.push("### Conv kernels and fc weight matrices", "",
    "Gray scale, black = most negative, white = most positive weight of each picture.", "");
  out.push(...loggedTable(shown, c.figures, "kernels/"), ...loggedTable(shown, c.figures, "weights/"));

  out.push("## Feature maps", "");
  if (c.inputs) out.push("The first probe images (test set):", "", image("input digits", c.inputs), "");
  out.push(...loggedTable(shown, c.figures, "feature_maps/"));

  out.push("## fc2 feature maps", "",
    "For each digit, 100 different test images (rows) and the 84 fc2 values after the activation (columns)" +
      (seeded ? `, of one seed per configuration; how separable the digits are over every seed is in Results and Findings.` : "."), "");
  for (const { run, label } of shown) {
    const fc2 = c.figures.get(run.name)?.fc2;
    if (!fc2) continue;
    out.push(`### ${escapeMarkdown(label)}`, "", image(`${run.name} fc2 maps`, fc2.allDigits), "",
      image(`${run.name} class means`, fc2.classMeans), "",
      `One digit per figure: ${fc2.digits.map((path, d) => `[digit ${d}](${encodeURI(path)})`).join(" · ")}`, "");
  }
  const withSimilarity = shown.filter((s) => c.figures.get(s.run.name)?.fc2);
  if (withSimilarity.length > 0) {
    out.push("### How distinguishable the digits are in fc2 space", "",
      "The cosine similarity of the digits' mean fc2 vectors, side by side: the lower the numbers off the diagonal, the easier " +
        "the digits are to tell apart from fc2 alone.", "",
      `| ${withSimilarity.map((s) => escapeMarkdown(s.label)).join(" | ")} |`, `|${withSimilarity.map(() => "---").join("|")}|`,
      `| ${withSimilarity.map((s) => image(`${s.run.name} class similarity`, c.figures.get(s.run.name)!.fc2!.similarity)).join(" | ")} |`, "");
  }
  if (c.crossRun) {
    out.push(`### ${seeded ? "Every configuration" : "Every run"} side by side, each on its own scale`, "");
    if (c.fc2Ranges && c.fc2Ranges.length > 0) {
      out.push(`Each run's values are shown as a share of its own range (0 = its smallest fc2 value, 1 = its 99th percentile or more), so that ` +
        `patterns compare even where the ranges do not: ${c.fc2Ranges.map((r) => `${escapeMarkdown(r.run)} ${formatRange(r.min, r.max)}`).join(", ")}.`, "");
    }
    out.push(image("fc2 maps of every digit and run", c.crossRun.all), "");
    c.crossRun.digits.forEach((path, d) => out.push(image(`fc2 maps of digit ${d}, run by run`, path), ""));
  }
  const listed = (runs: readonly UnfinishedRun[]) => runs.map((u) => `- ${escapeMarkdown(u.name)}: ${escapeMarkdown(u.state)}`);
  const stopped = c.unfinished.filter((u) => u.stoppedEarly);
  if (stopped.length > 0) {
    out.push("## Stopped early", "", "The median stopping rule (`--early-stop median`) ended these runs at an evaluation after the grace " +
      "period, where their best test accuracy was below the median of the other runs' mean test accuracy up to the same iteration. " +
      "They trained less than the rest, so the comparisons above leave them out.", "", ...listed(stopped), "");
  }
  const without = c.unfinished.filter((u) => !u.stoppedEarly);
  if (without.length > 0) out.push("## Runs without results", "", ...listed(without), "");
  return out.join("\n");
}
