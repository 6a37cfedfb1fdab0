// The README's first command runs the project's bin through npx, which
// executes dist/src/cli/main.js itself: the build must leave it executable
// (tsc does not), or a fresh clone answers "lenet-lab: Permission denied".

import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

describe("npx lenet-lab", () => {
  it("runs the built command from the repository, as the README's first command does", () => {
    expect(() => accessSync(resolve(REPO_ROOT, "dist/src/cli/main.js"), constants.X_OK)).not.toThrow();
    const result = spawnSync("npx", ["lenet-lab", "--help"], { cwd: REPO_ROOT, encoding: "utf8", timeout: 60_000 });
    expect(result.stderr).not.toMatch(/Permission denied/);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Usage: lenet-lab/);
    expect(result.stdout).toMatch(/compare/);
  });
});
