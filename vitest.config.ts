import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Conformance with TensorBoard's own loader needs ../shared (CI only): npm run test:conformance.
    exclude: ["test/conformance/**", "**/node_modules/**"],
    // Training tests on real MNIST take tens of seconds on a 2-core machine.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
