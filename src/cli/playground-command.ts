// `lenet-lab playground --out DIR`: writes the Train page as a static site
// (src/board/playground.ts) and says how to serve it.

import { Command } from "commander";
import { writePlaygroundSite } from "../board/playground.js";
import { ConfigError } from "../train/config.js";

export function playgroundCommand(options: { out?: string }): void {
  if (!options.out) throw new ConfigError("give the directory to write the site into: lenet-lab playground --out DIR");
  let site;
  try {
    site = writePlaygroundSite(options.out);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  console.log(`lenet-lab playground: ${site.files} files (${(site.bytes / 1e6).toFixed(1)} MB) in ${site.directory}`);
  console.log("Serve it from any static host, or here with one line, then open http://localhost:8000/:");
  console.log(`  python3 -m http.server 8000 --directory ${site.directory}`);
  console.log("(A host that sends Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp " +
    "lets the page train on every core; elsewhere it trains on one, and says so. `lenet-lab board` sends them.)");
}

export function registerPlaygroundCommand(program: Command): void {
  program
    .command("playground")
    .description("Write the Train page (LeNet-5 trained on MNIST in the browser) as a static site: HTML, scripts, the kernels and MNIST.")
    .option("--out <dir>", "directory to write the site into (new or empty)")
    .action((options: { out?: string }) => playgroundCommand(options));
}
