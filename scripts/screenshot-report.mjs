#!/usr/bin/env node
// Takes the README's report screenshot: opens a report that `lenet-lab
// compare` or `lenet-lab report` wrote (default: runs/report/index.html) from
// disk in Debian's Chromium through playwright-core, scrolls to a section (by
// its heading, default "Learning curves") and saves what a 1200 × 1000 window
// shows there.
//
//   node scripts/screenshot-report.mjs [REPORT=runs/report/index.html] [OUT=docs/report.png] [SECTION="Learning curves"]

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { launchChromium } from "./chromium.mjs";

const [report = "runs/report/index.html", out = "docs/report.png", section = "Learning curves"] = process.argv.slice(2);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  await page.goto(pathToFileURL(resolve(report)).href, { timeout: 30_000 });
  // Every picture is embedded or next to the page; wait until all have loaded.
  await page.waitForFunction(() => [...document.images].every((img) => img.complete), undefined, { timeout: 30_000 });
  const heading = page.locator("h1, h2, h3", { hasText: section }).first();
  if ((await heading.count()) === 0) throw new Error(`no heading "${section}" in ${report}`);
  await heading.evaluate((element) => window.scrollTo(0, element.getBoundingClientRect().top + window.scrollY - 12));
  await page.screenshot({ path: out });
  console.log(`report ${report}, section "${section}" → ${out}`);
} finally {
  await browser.close();
}
