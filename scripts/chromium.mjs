// Debian's Chromium for the screenshot scripts, started as the browser tests
// start it (test/browser.ts): headless, as root, with no background
// networking.

import { chromium } from "playwright-core";

/** A headless Chromium from /usr/bin/chromium. */
export function launchChromium() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}
