#!/usr/bin/env node
// Takes the README's screenshot of the dashboard's Train tab mid-run: a ReLU
// run trained to the end, then a sigmoid run paused part-way, a "7" drawn on
// the pad, in Debian's Chromium through playwright-core.
//
//   npm run build && node scripts/screenshot-train.mjs [OUT=docs/train.png]

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBoard } from "../dist/src/board/server.js";
import { launchChromium } from "./chromium.mjs";

const [out = "docs/train.png"] = process.argv.slice(2);
const logdir = mkdtempSync(join(tmpdir(), "lenet-train-shot-"));
const board = await startBoard({ logdir, port: 0 });
const browser = await launchChromium();
const state = (page, states) => page.waitForFunction((wanted) => wanted.includes(document.querySelector(".train-status")?.dataset.trainState), states, { timeout: 120_000 });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1250 } });
  await page.goto(`${board.url}#train`);
  await page.click('button[data-action="train"]');
  await state(page, ["done"]);
  await page.selectOption('.train-form [name="activation"]', "sigmoid");
  await page.fill('.train-form [name="iterations"]', "1000");
  await page.click('button[data-action="train"]');
  await page.waitForFunction(() => (window.lenetPlayground.runs[1]?.losses.length ?? 0) >= 450, undefined, { timeout: 120_000 });
  await page.click('button[data-action="pause"]');
  await state(page, ["paused"]);
  const pad = await page.locator("canvas.draw-pad").boundingBox();
  const stroke = async (points) => {
    await page.mouse.move(pad.x + points[0][0], pad.y + points[0][1]);
    await page.mouse.down();
    for (const [x, y] of points.slice(1)) await page.mouse.move(pad.x + x, pad.y + y, { steps: 6 });
    await page.mouse.up();
  };
  await stroke([[70, 60], [210, 60], [120, 240]]);
  await page.waitForSelector(".draw-prediction", { timeout: 30_000 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: out });
  console.log(`Train tab → ${out}`);
} finally {
  await browser.close();
  await board.close();
  rmSync(logdir, { recursive: true, force: true });
}
