#!/usr/bin/env node
// Takes the README's dashboard screenshot: starts `lenet-lab board` on a
// logdir (default: runs, as `npx lenet-lab compare` leaves it), opens it in
// Debian's Chromium through playwright-core, and saves the scalars view.
//
//   npm run build && node scripts/screenshot-board.mjs [LOGDIR=runs] [OUT=docs/dashboard.png]

import { launchChromium } from "./chromium.mjs";
import { startBoard } from "../dist/src/board/server.js";

const [logdir = "runs", out = "docs/dashboard.png"] = process.argv.slice(2);
const board = await startBoard({ logdir, port: 0 });
while (board.index.status().loading) await new Promise((resolve) => setTimeout(resolve, 50));
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(board.url);
  // Only the losses and accuracies (not the per-class accuracies or the diagnostics), so that they fill the picture.
  await page.locator('input[placeholder="filter tags (regex)"]').fill("^(loss|accuracy)/");
  await page.waitForSelector('.chart-card[data-tag="accuracy/test"] canvas', { timeout: 30_000 });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: out });
  console.log(`dashboard of ${logdir} → ${out}`);
} finally {
  await browser.close();
  await board.close();
}
