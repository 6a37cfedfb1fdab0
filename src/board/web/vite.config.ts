// Vite build of the dashboard's front end: src/board/web → dist/board-web.
// Paths are relative to the package root, where `npm run build` runs.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Plugin, defineConfig } from "vite";

/**
 * The pages, each page.html filled with its title and script: the dashboard,
 * and the playground (its Train tab alone, for `lenet-lab playground`).
 */
const PAGES = {
  index: { title: "lenet-lab board", script: "./src/main.ts" },
  playground: { title: "lenet-lab playground", script: "./src/playground-main.ts" },
};

const pagePath = (name: string) => fileURLToPath(new URL(`./${name}.html`, import.meta.url));

/** Serves <name>.html, which does not exist as a file, as page.html filled for that page. */
function pagesFromOneShell(): Plugin {
  const shell = readFileSync(new URL("./page.html", import.meta.url), "utf8");
  const html = new Map(Object.entries(PAGES).map(([name, { title, script }]) =>
    [pagePath(name), shell.replace("%PAGE_TITLE%", title).replace("%PAGE_SCRIPT%", script)]));
  return {
    name: "lenet-lab-pages",
    resolveId: (id) => (html.has(id) ? id : null),
    load: (id) => html.get(id) ?? null,
  };
}

export default defineConfig({
  root: "src/board/web",
  base: "./",
  logLevel: "warn",
  plugins: [pagesFromOneShell()],
  // The Train page's workers are modules: the training worker starts the kernel threads itself.
  worker: { format: "es" },
  build: {
    outDir: "../../../dist/board-web",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      input: Object.fromEntries(Object.keys(PAGES).map((name) => [name, pagePath(name)])),
    },
  },
});
