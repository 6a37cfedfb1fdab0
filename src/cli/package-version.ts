// lenet-lab's own version, from its package.json (three levels above
// dist/src/cli, where the built command runs).

import { readFileSync } from "node:fs";

/** The version in package.json, or "" when it cannot be read. */
export function packageVersion(): string {
  try {
    return JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")).version ?? "";
  } catch {
    return "";
  }
}
