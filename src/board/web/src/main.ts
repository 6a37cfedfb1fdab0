// The dashboard page: header with the loading state, the runs sidebar, a
// banner listing every file that could not be read completely, the tabs, and
// the live connection (server-sent events from /api/events): new data re-draws
// the open tab at most once a second (every 3 s during the first read of the
// logdir), a new run shows up in the list.

import "uplot/dist/uPlot.min.css";
import "./style.css";
import { api } from "./api.js";
import { createClassesView } from "./classes-view.js";
import { createConfigView } from "./config-view.js";
import { clear, h } from "./dom.js";
import { createEmbeddingView } from "./embedding-view.js";
import { createFc2View } from "./fc2-view.js";
import { createHistogramsView } from "./histograms-view.js";
import { createImagesView } from "./images-view.js";
import { createRunsPanel } from "./runs-panel.js";
import { createScalarsView } from "./scalars-view.js";
import { store, type DataChange } from "./state.js";
import { createTextView } from "./text-view.js";
import { createTrainView } from "./train/train-view.js";
import type { View } from "./view.js";

const views: View[] = [
  createScalarsView(), createHistogramsView("histograms"), createHistogramsView("distributions"), createImagesView(),
  createClassesView(), createFc2View(), createEmbeddingView(), createTextView(), createConfigView(), createTrainView({ board: true }),
];
let active = views.find((v) => `#${v.id}` === location.hash) ?? views[0]!;

const statusLine = h("span", { class: "status", "data-status": "" });
const live = h("span", { class: "live off", title: "live updates" }, "● live");
const warnings = h("div", { class: "warnings", role: "alert", hidden: true });
const tabs = h("nav", { class: "tabs" });
const viewBox = h("div", { class: "view-box" });

function renderTabs(): void {
  clear(tabs);
  for (const view of views) {
    tabs.appendChild(h("button", {
      type: "button", class: view === active ? "tab active" : "tab", "data-tab": view.id,
      onclick: () => {
        if (view === active) return;
        active.hide?.();
        active = view;
        history.replaceState(null, "", `#${view.id}`);
        showActive();
      },
    }, view.title));
  }
}

function showActive(): void {
  renderTabs();
  viewBox.replaceChildren(active.element);
  active.render();
}

function renderWarnings(): void {
  const problems = store.runs.flatMap((run) => run.warnings.map((w) => `${run.name}: ${w}`));
  if (store.status.problem) problems.unshift(store.status.problem);
  warnings.hidden = problems.length === 0;
  warnings.replaceChildren(h("strong", {}, `⚠ ${problems.length} problem${problems.length === 1 ? "" : "s"} reading the logdir; what could be read is shown.`),
    h("ul", {}, ...problems.slice(0, 20).map((p) => h("li", {}, p))));
}

function renderStatus(): void {
  const s = store.status;
  statusLine.textContent = s.loading ? `loading: ${s.runsLoaded} of ${s.runs} runs read` : `${s.runs} runs · ${s.events.toLocaleString()} events`;
  statusLine.dataset.status = s.loading ? "loading" : "ready";
}

let pending: DataChange[] = [];
let runsChanged = false;
let timer: ReturnType<typeof setTimeout> | undefined;
let lastFlush = 0;

/**
 * Applies the changes gathered since the last call: at most once a second,
 * or every 3 s while the server is still reading the logdir for the first
 * time (redrawing every chart each second would slow that reading down).
 */
function scheduleFlush(): void {
  if (timer) return;
  const period = store.status.loading ? 3000 : 1000;
  timer = setTimeout(() => void flush(), Math.max(0, period - (Date.now() - lastFlush)));
}

async function flush(): Promise<void> {
  timer = undefined;
  lastFlush = Date.now();
  const changes = pending;
  const newRuns = runsChanged;
  pending = [];
  runsChanged = false;
  try {
    store.status = await api.status();
    await store.refreshRuns();
  } catch {
    return;
  }
  renderStatus();
  if (newRuns) active.render();
  else active.update(changes);
}

function connect(): void {
  const source = new EventSource("api/events");
  source.addEventListener("open", () => live.classList.replace("off", "on"));
  source.addEventListener("error", () => live.classList.replace("on", "off"));
  source.addEventListener("runs", () => {
    runsChanged = true;
    scheduleFlush();
  });
  source.addEventListener("data", (event) => {
    pending.push(JSON.parse((event as MessageEvent<string>).data) as DataChange);
    scheduleFlush();
  });
  source.addEventListener("status", (event) => {
    store.status = { ...store.status, ...(JSON.parse((event as MessageEvent<string>).data) as object) };
    renderStatus();
    scheduleFlush();
  });
}

async function start(): Promise<void> {
  const app = document.getElementById("app")!;
  app.replaceChildren(
    h("header", {}, h("h1", {}, "lenet-lab board"), statusLine, live),
    h("div", { class: "layout" }, createRunsPanel(), h("main", {}, warnings, tabs, viewBox)));
  store.on("runs", renderWarnings);
  store.on("selection", () => active.render());
  store.status = await api.status();
  await store.refreshRuns();
  renderStatus();
  document.title = `lenet-lab board · ${store.status.logdir ?? ""}`;
  showActive();
  connect();
}

void start();
