// Debian's Chromium for the tests that look at pages (the dashboard's, the
// report's): where it is, how it is started (headless, as root, with no
// background networking — this machine's network is closed), and whether the
// tests may skip when it is missing (not in CI: .ci/run sets
// LENET_LAB_REQUIRE_BROWSER=1 after installing it).

import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync",
];

/** True when Chromium is installed; throws when CI requires it and it is not. */
export function browserAvailable(): boolean {
  const available = existsSync(CHROMIUM);
  if (process.env.LENET_LAB_REQUIRE_BROWSER === "1" && !available) {
    throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium (apt-get install -y chromium)`);
  }
  return available;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/**
 * A new page of `browser` at `viewport` that records every console error and
 * uncaught page error into `errors` (tests assert it stays empty).
 */
export async function pageCollectingErrors(browser: Browser, viewport: { width: number; height: number }, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on("console", (message) => { if (message.type() === "error") errors.push(`console: ${message.text()}`); });
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  return page;
}
