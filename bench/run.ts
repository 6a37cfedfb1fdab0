// `npm run bench [-- --json] [-- --quick] [-- --rounds N] [-- --threads N] [-- --no-pytorch] [-- --no-classic] [-- --no-soak]`
//
// How fast lenet-lab trains and evaluates LeNet-5 on this machine, against
// PyTorch on the same machine in the same run when /usr/bin/python3 has torch:
//   - train images/s at batch 64 (relu + Adam, sigmoid + SGD) and eval images/s
//     (the 10,000 test images, batches of 500), for the wasm backend on 1 and
//     on all threads, the js backend, and PyTorch on 1 and all threads;
//   - the classic experiment (relu and sigmoid, Adam, 2000 iterations, test set
//     every 50) as two `lenet-lab train` processes with all their logging, and
//     its peak RSS; the same experiment end to end as a user runs it
//     (`lenet-lab compare --seeds 0`: training, maps, figures, report; once
//     per round, the median taken);
//     and the same two runs in PyTorch;
//   - memory over 10,000 training iterations (RSS must stay flat);
//   - what the cores give when nothing is shared (bench/side-by-side.ts): the
//     ceiling of the 2-thread ÷ 1-thread ratio on this machine;
//   - the ratios the project steers by, against its targets (issue 14's: train
//     ≥ 3× and eval ≥ 4× PyTorch, the classic experiment end to end ≤ 0.25 of
//     PyTorch's training, figures and report ≤ 2 s, 2 threads ≥ 1.85× one,
//     a run's peak RSS ≤ 300 MB).
// Measurements are taken in interleaved rounds (every engine once per round)
// and reported as medians with their spread, since other processes may share
// the CPU; the load average is printed with them, and the CPU's model and
// the vector features that matter (AVX2, FMA, AVX-512). Results go to stdout as a
// table, or as one JSON object with --json; record them in BENCHMARKS.md.

import { cpus, hostname, loadavg } from "node:os";
import { loadDataset } from "../src/data/datasets.js";
import { defaultThreads } from "../src/engine/backend.js";
import { kernelBuild } from "../src/engine/wasm/kernel-files.js";
import { median } from "../src/stats/describe.js";
import { ClassicResult, runClassicExperiment } from "./classic.js";
import { EndToEndResult, EndToEndSummary, cpuFeatures, runEndToEnd, summarizeEndToEnd } from "./end-to-end.js";
import { PytorchOutput, pytorchVersion, runPytorch } from "./pytorch.js";
import { SideBySide, measureSideBySide } from "./side-by-side.js";
import { Engine, Measurement, MemorySoak, measureEngine, measureMemory } from "./throughput.js";

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
function numberOption(name: string, fallback: number): number {
  const at = argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} needs a positive integer, got "${argv[at + 1]}"`);
    process.exit(2);
  }
  return value;
}

const json = flag("--json");
const quick = flag("--quick");
const threads = numberOption("--threads", defaultThreads());
const rounds = numberOption("--rounds", quick ? 1 : 3);
const torch = flag("--no-pytorch") ? null : pytorchVersion();
const classic = !quick && !flag("--no-classic");
const log = (message: string) => { if (!json) console.error(message); };

const engines: Engine[] = [
  { backend: "wasm", threads },
  ...(threads > 1 ? [{ backend: "wasm" as const, threads: 1 }] : []),
  { backend: "js", threads: 1 },
];

const mnist = loadDataset();
const loadBefore = loadavg()[0];
const measurements: Measurement[] = [];
const sideBySide: SideBySide[] = [];
let pytorch: PytorchOutput | null = null;
for (let round = 1; round <= rounds; round++) {
  if (torch) {
    log(`round ${round}/${rounds}: PyTorch ${torch}`);
    const output = await runPytorch({ threads, quick, throughput: true, classic: false });
    measurements.push(...output.measurements);
    pytorch = output;
  }
  for (const engine of engines) {
    log(`round ${round}/${rounds}: ${engine.backend}, ${engine.threads} thread${engine.threads > 1 ? "s" : ""}`);
    measurements.push(...(await measureEngine(mnist, engine, quick)));
  }
  if (threads > 1) {
    log(`round ${round}/${rounds}: ${threads} one-thread training processes side by side`);
    sideBySide.push(await measureSideBySide(threads, quick ? 100 : 600));
  }
}

let ours: ClassicResult | null = null;
let oursCompare: ClassicResult | null = null;
let theirs: PytorchOutput["classic"] = null;
let endToEnd: EndToEndSummary | null = null;
if (classic) {
  log(`classic experiment: lenet-lab train (wasm, ${threads} threads), relu then sigmoid`);
  ours = await runClassicExperiment({ backend: "wasm", threads });
  if (threads > 1) {
    log("classic experiment as lenet-lab compare runs it: relu and sigmoid at once, one thread each");
    oursCompare = await runClassicExperiment({ backend: "wasm", threads }, 2000, true);
  }
  const endToEndRounds: EndToEndResult[] = [];
  for (let round = 1; round <= rounds; round++) {
    log(`classic experiment end to end, round ${round}/${rounds}: lenet-lab compare --seeds 0 (training, maps, figures, report)`);
    endToEndRounds.push(await runEndToEnd());
  }
  endToEnd = summarizeEndToEnd(endToEndRounds);
  if (torch) {
    log("classic experiment: PyTorch");
    theirs = (await runPytorch({ threads, quick, throughput: false, classic: true })).classic;
  }
}
let soak: MemorySoak | null = null;
if (!quick && !flag("--no-soak")) {
  log(`memory: 10,000 training iterations (wasm, ${threads} threads)`);
  soak = await measureMemory(mnist, { backend: "wasm", threads }, 10_000);
}
const loadAfter = loadavg()[0];

interface Summary {
  name: string; backend: string; threads: number; median: number; min: number; max: number;
  /** Cores the measurement actually had on average (CPU seconds / wall seconds): < threads when the CPU was shared. */
  cpuCores: number | null;
  /** Images per CPU-second (median): what one core does when it is not shared; for 1 thread the fairest comparison on a busy machine. */
  imagesPerCpuSecond: number | null;
}
const cases = new Map<string, Measurement[]>();
for (const m of measurements) {
  const key = `${m.name}|${m.backend}|${m.threads}`;
  cases.set(key, [...(cases.get(key) ?? []), m]);
}
const summaries: Summary[] = [...cases.values()].map((list) => {
  const rates = list.map((m) => m.imagesPerSecond);
  const cpu = list.filter((m) => m.cpuSeconds !== undefined);
  return {
    name: list[0].name, backend: list[0].backend, threads: list[0].threads,
    median: median(rates), min: Math.min(...rates), max: Math.max(...rates),
    cpuCores: cpu.length ? median(cpu.map((m) => m.cpuSeconds! / m.seconds)) : null,
    imagesPerCpuSecond: cpu.length ? median(cpu.map((m) => m.images / m.cpuSeconds!)) : null,
  };
});
const rate = (name: string, backend: string, t: number) => summaries.find((s) => s.name === name && s.backend === backend && s.threads === t)?.median;

function perCore(name: string): number {
  const find = (backend: string) => summaries.find((s) => s.name === name && s.backend === backend && s.threads === 1)?.imagesPerCpuSecond;
  return (find("wasm") ?? NaN) / (find("pytorch") ?? NaN);
}
const ratios = torch ? {
  trainReluAdam: (rate("train relu+adam b64", "wasm", threads) ?? NaN) / (rate("train relu+adam b64", "pytorch", threads) ?? NaN),
  trainSigmoidSgd: (rate("train sigmoid+sgd b64", "wasm", threads) ?? NaN) / (rate("train sigmoid+sgd b64", "pytorch", threads) ?? NaN),
  evalRelu: (rate("eval relu (test set)", "wasm", threads) ?? NaN) / (rate("eval relu (test set)", "pytorch", threads) ?? NaN),
  evalSigmoid: (rate("eval sigmoid (test set)", "wasm", threads) ?? NaN) / (rate("eval sigmoid (test set)", "pytorch", threads) ?? NaN),
  /** One thread each, per CPU-second: how much more each core does, whatever else the machine was running. */
  perCoreTrainReluAdam: perCore("train relu+adam b64"),
  perCoreEvalRelu: perCore("eval relu (test set)"),
  classicTimeFraction: ours && theirs ? ours.seconds / theirs.seconds : null,
  classicCompareTimeFraction: oursCompare && theirs ? oursCompare.seconds / theirs.seconds : null,
} : null;
/** 2 threads against 1 (train relu + Adam): how much the second core adds. */
const threadScaling = threads > 1 ? (rate("train relu+adam b64", "wasm", threads) ?? NaN) / (rate("train relu+adam b64", "wasm", 1) ?? NaN) : null;
/**
 * The same ratio for `threads` separate one-thread processes at once (bench/side-by-side.ts): what this machine's
 * cores give when nothing is shared, the ceiling of threadScaling. And PyTorch's own 2-thread ÷ 1-thread.
 */
const sideBySideScaling = sideBySide.length > 0 ? median(sideBySide.map((m) => m.total)) / (rate("train relu+adam b64", "wasm", 1) ?? NaN) : null;
const pytorchScaling = torch && threads > 1 ? (rate("train relu+adam b64", "pytorch", threads) ?? NaN) / (rate("train relu+adam b64", "pytorch", 1) ?? NaN) : null;
/** The targets the project steers by now (issue 14; issue 3's were ≥ 2.5×, ≥ 3× and ≤ ⅓). */
const targets = {
  trainAtLeast3x: ratios ? ratios.trainReluAdam >= 3 : null,
  evalAtLeast4x: ratios ? ratios.evalRelu >= 4 : null,
  endToEndAtMostQuarter: endToEnd && theirs ? endToEnd.seconds / theirs.seconds <= 0.25 : null,
  figuresAndReportAtMost2s: endToEnd ? endToEnd.afterTrainingSeconds <= 2 : null,
  twoThreadsAtLeast1_85x: threadScaling === null ? null : threadScaling >= 1.85,
  peakRssAtMost300MB: ours ? ours.peakRssMB <= 300 : null,
};

const machine = {
  host: hostname(),
  cpu: cpus()[0]?.model ?? "unknown",
  /** The CPU features that decide how wide the vectors are (PyTorch uses AVX-512 where it is; wasm SIMD is 128 bits everywhere). */
  cpuFeatures: cpuFeatures(),
  cores: cpus().length,
  node: process.version,
  /** Which kernels ran (native-avx512, or a wasm build; the classic experiment's processes choose the same way). */
  kernels: kernelBuild(),
  threads,
  rounds,
  pytorch: torch,
  loadAverageBefore: loadBefore,
  loadAverageAfter: loadAfter,
  benchPeakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
};

/** "relu 14.1 s, 98.33 %; sigmoid …": the runs of a classic experiment, for the text report. */
function runsDetail(runs: { activation: string; seconds: number; testAccuracy: number }[]): string {
  return runs.map((r) => `${r.activation} ${r.seconds.toFixed(1)} s, ${(r.testAccuracy * 100).toFixed(2)} %`).join("; ");
}

if (json) {
  console.log(JSON.stringify({ machine, summaries, ratios, targets, threadScaling, sideBySide, sideBySideScaling, pytorchScaling, classic: { lenetLab: ours, lenetLabCompare: oursCompare, endToEnd, pytorch: theirs }, memory: soak, measurements }));
} else {
  console.log(`${machine.cpu} (${machine.cpuFeatures.join(", ") || "features unknown"}), ${machine.cores} cores, Node ${machine.node}, kernels ${machine.kernels}` +
    `${torch ? `, PyTorch ${torch}` : ", no PyTorch"}; ` +
    `${rounds} round${rounds > 1 ? "s" : ""}, load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`);
  console.log(`${"".padEnd(28)} ${"engine".padEnd(14)} ${"images/s".padStart(9)}  ${"spread".padEnd(17)} cores used  images/CPU-s`);
  for (const s of summaries) {
    const spread = s.min === s.max ? "" : `${Math.round(s.min)}–${Math.round(s.max)}`;
    console.log(`${s.name.padEnd(28)} ${`${s.backend} ${s.threads}t`.padEnd(14)} ${Math.round(s.median).toString().padStart(9)}  ` +
      `${spread.padEnd(17)} ${(s.cpuCores === null ? "" : s.cpuCores.toFixed(2)).padStart(10)}  ` +
      `${s.imagesPerCpuSecond === null ? "" : Math.round(s.imagesPerCpuSecond).toString().padStart(12)}`);
  }
  if (ours) {
    const detail = runsDetail(ours.runs);
    console.log(`classic experiment, lenet-lab (wasm ${threads}t, with logging): ${ours.seconds.toFixed(1)} s ` +
      `(${detail}; processes ${ours.processSeconds.toFixed(1)} s), peak RSS ${ours.peakRssMB} MB; ` +
      `logging ${(100 * ours.loggingOverhead).toFixed(1)} % of the training time (target ≤ 10 %)`);
  }
  if (oursCompare) {
    const detail = runsDetail(oursCompare.runs);
    console.log(`classic experiment, lenet-lab as compare runs it (both at once, 1 thread each): ${oursCompare.seconds.toFixed(1)} s (${detail})`);
  }
  if (endToEnd) {
    const accuracies = Object.entries(endToEnd.testAccuracies).map(([run, a]) => `${run} ${(100 * a).toFixed(2)} %`).join(", ");
    const each = (pick: (r: EndToEndResult) => number, digits: number) => endToEnd!.rounds.map((r) => pick(r).toFixed(digits)).join(", ");
    const of = endToEnd.rounds.length > 1 ? `median of ${endToEnd.rounds.length}: ` : "";
    console.log(`classic experiment end to end, lenet-lab compare --seeds 0, ${of}${endToEnd.seconds.toFixed(1)} s (${each((r) => r.seconds, 1)} s; ` +
      `training ${endToEnd.trainingSeconds} s (${each((r) => r.trainingSeconds, 0)}), ` +
      `maps, figures and report ${endToEnd.afterTrainingSeconds} s (${each((r) => r.afterTrainingSeconds, 1)}); ${accuracies})` +
      (theirs ? `, ${(endToEnd.seconds / theirs.seconds).toFixed(2)} of PyTorch's two training runs (target ≤ 0.25)` : ""));
  }
  if (theirs) {
    const detail = runsDetail(theirs.runs);
    console.log(`classic experiment, PyTorch (${threads} threads, no logging): ${theirs.seconds.toFixed(1)} s (${detail})`);
  }
  const mark = (ok: boolean | null) => (ok === null ? "not measured" : ok ? "met" : "NOT met");
  if (ratios) {
    console.log(`lenet-lab wasm ${threads}t / PyTorch ${threads}t: train relu+adam ${ratios.trainReluAdam.toFixed(2)}× ` +
      `(target ≥ 3×: ${mark(targets.trainAtLeast3x)}), sigmoid+sgd ${ratios.trainSigmoidSgd.toFixed(2)}×; ` +
      `eval relu ${ratios.evalRelu.toFixed(2)}× (target ≥ 4×: ${mark(targets.evalAtLeast4x)}), sigmoid ${ratios.evalSigmoid.toFixed(2)}×` +
      (ratios.classicTimeFraction === null ? "" : `; classic experiment as two train runs ${ratios.classicTimeFraction.toFixed(2)} of PyTorch's time`) +
      (ratios.classicCompareTimeFraction === null ? "" : `, as compare runs it ${ratios.classicCompareTimeFraction.toFixed(2)}`));
    console.log(`per core (1 thread, images per CPU-second): train relu+adam ${ratios.perCoreTrainReluAdam.toFixed(2)}×, ` +
      `eval relu ${ratios.perCoreEvalRelu.toFixed(2)}× PyTorch's`);
  }
  console.log(`targets: end to end ≤ 0.25 of PyTorch: ${mark(targets.endToEndAtMostQuarter)}; figures and report ≤ 2 s: ` +
    `${mark(targets.figuresAndReportAtMost2s)}; ${threads} threads ≥ 1.85× one (train relu+adam${threadScaling === null ? "" : ` ${threadScaling.toFixed(2)}×`}): ` +
    `${mark(targets.twoThreadsAtLeast1_85x)}; peak RSS of a run ≤ 300 MB: ${mark(targets.peakRssAtMost300MB)}`);
  if (sideBySideScaling !== null) {
    console.log(`what ${threads} cores give here: ${threads} one-thread training processes side by side ${sideBySideScaling.toFixed(2)}× one alone ` +
      `(rounds: ${sideBySide.map((m) => m.imagesPerSecond.map((r) => Math.round(r)).join(" + ")).join("; ")} img/s)` +
      (pytorchScaling === null ? "" : `; PyTorch ${threads} threads ÷ 1: ${pytorchScaling.toFixed(2)}×`));
  }
  if (soak) {
    console.log(`memory over ${soak.iterations} iterations (wasm ${threads}t): RSS ` +
      `${soak.rssMB.map((s) => `${s.rssMB}`).join(", ")} MB at every ${soak.rssMB[0].iteration}; growth ${soak.growthMB} MB`);
  }
  console.log(`bench process peak RSS ${machine.benchPeakRssMB} MB`);
}
