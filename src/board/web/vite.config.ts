// Vite build of the dashboard's front end: src/board/web → dist/board-web.
// Paths are relative to the package root, where `npm run build` runs.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: "src/board/web",
  base: "./",
  logLevel: "warn",
  // The Train page's workers are modules: the training worker starts the kernel threads itself.
  worker: { format: "es" },
  build: {
    outDir: "../../../dist/board-web",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 1024,
    // The dashboard, and the playground: its Train tab alone, for `lenet-lab playground`.
    rollupOptions: {
      input: { index: fileURLToPath(new URL("./index.html", import.meta.url)), playground: fileURLToPath(new URL("./playground.html", import.meta.url)) },
    },
  },
});
