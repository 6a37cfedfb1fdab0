// The report's text as Markdown (report.md; index.html is made from it): the
// question, every run's config with the differences in bold, results,
// findings, and the figures in order — curves, diagnostics, weights, kernels
// and fc matrices, feature maps, fc2 maps. Image paths are relative to the
// report directory. Pure: data and file names in, text out.

import type { RunConfig } from "../train/config.js";
import type { RunRecord, UnfinishedRun } from "./run-data.js";

export interface RunFigures {
  /** TensorBoard images of the run, in display order. */
  logged: { tag: string; path: string; step: number; firstPath?: string; firstStep?: number }[];
  fc2?: { allDigits: string; classMeans: string; similarity: string; digits: string[] };
}

export interface ReportContent {
  logdir: string;
  generatedAt: string;
  runs: readonly RunRecord[];
  unfinished: readonly UnfinishedRun[];
  findings: readonly string[];
  charts: { loss?: string; accuracy?: string; gradients?: string; units?: string; weights?: string };
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

const image = (alt: string, path: string) => `![${escapeMarkdown(alt)}](${encodeURI(path)})`;
const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

/** Settings shown in the config table, in order, with their display names. */
const CONFIG_ROWS: [keyof RunConfig, string][] = [
  ["activation", "activation"], ["optimizer", "optimizer"], ["lr", "learning rate"], ["batchSize", "batch size"],
  ["iterations", "iterations"], ["evalEvery", "evaluate every"], ["initMean", "init mean"], ["initStd", "init std"],
  ["seed", "seed"], ["dataset", "data set"], ["dataDir", "data directory"], ["summaries", "summaries"],
];

function configTable(runs: readonly RunRecord[]): string {
  const header = `| setting | ${runs.map((r) => escapeMarkdown(r.name)).join(" | ")} |`;
  const rule = `|---|${runs.map(() => "---").join("|")}|`;
  const rows = CONFIG_ROWS.filter(([key]) => runs.some((r) => r.summary.config[key] !== undefined)).map(([key, label]) => {
    const values = runs.map((r) => String(r.summary.config[key] ?? "—"));
    const differs = new Set(values).size > 1;
    const cells = values.map((v) => (differs ? `**${escapeMarkdown(v)}**` : escapeMarkdown(v)));
    return `| ${differs ? `**${label}** (differs)` : label} | ${cells.join(" | ")} |`;
  });
  return [header, rule, ...rows].join("\n");
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

/** What differs between the runs, in words ("activation (relu, sigmoid)"). */
function differences(runs: readonly RunRecord[]): string {
  const differing = CONFIG_ROWS.filter(([key]) => new Set(runs.map((r) => String(r.summary.config[key]))).size > 1)
    .map(([key, label]) => `${label} (${[...new Set(runs.map((r) => String(r.summary.config[key])))].join(", ")})`);
  return differing.length > 0 ? `These runs differ in ${differing.join(" and ")}; everything else is the same.`
    : runs.length > 1 ? "These runs share every setting." : "";
}

const LOGGED_CAPTIONS: Record<string, string> = {
  "kernels/conv1": "conv1 kernels (6 of 5×5)",
  "kernels/conv2": "conv2 kernels (16 rows × 6 input channels, 5×5 each)",
  "weights/fc1": "fc1 weights (400 inputs down × 120 outputs across)",
  "weights/fc2": "fc2 weights (120 × 84)",
  "weights/fc3": "fc3 weights (84 × 10)",
  "feature_maps/conv1": "conv1 feature maps of a probe image (6 channels)",
  "feature_maps/conv2": "conv2 feature maps of a probe image (16 channels)",
};

/**
 * The TensorBoard images whose tag starts with `prefix` as one table: a row
 * per picture (kernels also with their first logged state), a column per
 * run, so that runs compare side by side.
 */
function loggedTable(runs: readonly RunRecord[], figures: ReadonlyMap<string, RunFigures>, prefix: string): string[] {
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
  return [`| picture | ${runs.map((r) => escapeMarkdown(r.name)).join(" | ")} |`, `|---|${runs.map(() => "---").join("|")}|`, ...rows, ""];
}

/** The whole report as Markdown. */
export function reportMarkdown(c: ReportContent): string {
  const runs = c.runs;
  const out: string[] = [
    `# LeNet-5 on MNIST: ${runs.length} run${runs.length === 1 ? "" : "s"} compared`, "",
    `Generated ${c.generatedAt} from \`${c.logdir}\` by \`lenet-lab report\`. Everything below is read from the run ` +
      "directories (run.json, model.safetensors, the TensorBoard event files, fc2/); `npx lenet-lab report LOGDIR` makes it again.", "",
    "## The question", "",
    "How does the choice of activation function (ReLU or sigmoid) and of optimizer (plain gradient descent or Adam) change " +
      "what LeNet-5 learns on MNIST: how fast and how well it learns, how the gradients reach the early layers, and what " +
      "the 84 units of its last hidden layer (fc2) respond to for each digit?", "",
  ];
  if (runs.length > 0) out.push(differences(runs), "");
  out.push("## Runs", "");
  if (runs.length > 0) out.push(configTable(runs), "", "## Results", "", resultsTable(runs), "");
  else out.push("No run in this logdir has finished.", "");
  out.push("## Findings", "", ...c.findings.map((f) => `- ${escapeMarkdown(f)}`), "");

  out.push("## Learning curves", "");
  if (c.charts.loss) out.push(image("loss curves", c.charts.loss), "");
  if (c.charts.accuracy) out.push(image("accuracy curves", c.charts.accuracy), "");

  out.push("## Diagnostics", "",
    "Why a network learns slowly shows in its gradients: the norm of each layer's gradient on a training batch, and the " +
      "share of units that pass no signal (dead ReLUs) or sit where the sigmoid is flat (saturated).", "");
  if (c.charts.gradients) out.push(image("gradient norm per layer", c.charts.gradients), "");
  if (c.charts.units) out.push(image("dead and saturated units", c.charts.units), "");
  if (!c.charts.gradients && !c.charts.units) out.push("The event files hold no diagnostics (runs logged with --summaries minimal).", "");

  out.push("## Weights", "");
  if (c.charts.weights) out.push(image("final weight and bias distributions", c.charts.weights), "");
  out.push("### Conv kernels and fc weight matrices", "",
    "Gray scale, black = most negative, white = most positive weight of each picture.", "");
  out.push(...loggedTable(runs, c.figures, "kernels/"), ...loggedTable(runs, c.figures, "weights/"));

  out.push("## Feature maps", "");
  if (c.inputs) out.push("The first probe images (test set):", "", image("input digits", c.inputs), "");
  out.push(...loggedTable(runs, c.figures, "feature_maps/"));

  out.push("## fc2 feature maps", "",
    "For each digit, 100 different test images (rows) and the 84 fc2 values after the activation (columns).", "");
  if (c.crossRun) {
    out.push("### Every run side by side (one shared scale)", "");
    if (c.fc2Ranges && c.fc2Ranges.length > 0) {
      out.push(`fc2 values range over ${c.fc2Ranges.map((r) => `${escapeMarkdown(r.run)} [${r.min.toPrecision(3)}, ${r.max.toPrecision(3)}]`).join(", ")}; ` +
        "on one scale the run with the smaller range looks darker. Each run's own maps further down use its own range.", "");
    }
    out.push(image("fc2 maps of every digit and run", c.crossRun.all), "");
    c.crossRun.digits.forEach((path, d) => out.push(image(`fc2 maps of digit ${d}, run by run`, path), ""));
  }
  for (const run of runs) {
    const fc2 = c.figures.get(run.name)?.fc2;
    if (!fc2) continue;
    out.push(`### ${escapeMarkdown(run.name)}`, "", image(`${run.name} fc2 maps`, fc2.allDigits), "",
      image(`${run.name} class means`, fc2.classMeans), "", image(`${run.name} class similarity`, fc2.similarity), "",
      `One digit per figure: ${fc2.digits.map((path, d) => `[digit ${d}](${encodeURI(path)})`).join(" · ")}`, "");
  }
  if (c.unfinished.length > 0) {
    out.push("## Runs without results", "", ...c.unfinished.map((u) => `- ${escapeMarkdown(u.name)}: ${escapeMarkdown(u.state)}`), "");
  }
  return out.join("\n");
}
