import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Training tests on real MNIST take tens of seconds on a 2-core machine.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
