// The Embedding tab: a run's fc2 feature vectors (the projector files the run
// wrote) projected to 2-D by PCA or UMAP (umap-js, seeded), drawn as points
// coloured by digit; hovering a point shows its digit image (cut from the
// sprite) and its metadata.

import { UMAP } from "umap-js";
import { LENET_IMAGE_SIDE } from "../../../engine/architecture.js";
import { api, fileUrl, type Embedding } from "./api.js";
import { DIGIT_COLORS } from "./digit-colors.js";
import { clear, h } from "./dom.js";
import { pca2d } from "./pca.js";
import { store, type DataChange } from "./state.js";
import type { View } from "./view.js";

/** mulberry32: a small seeded generator, so UMAP draws the same picture every time. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function umap2d(vectors: number[][], onProgress: (text: string) => void): Promise<Float64Array> {
  const umap = new UMAP({ nComponents: 2, nNeighbors: 15, minDist: 0.1, random: seeded(1) });
  const epochs = umap.initializeFit(vectors);
  for (let epoch = 0; epoch < epochs; epoch++) {
    umap.step();
    if (epoch % 20 === 0) {
      onProgress(`UMAP: epoch ${epoch} of ${epochs}`);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  onProgress("");
  return Float64Array.from(umap.getEmbedding().flat());
}

export function createEmbeddingView(): View {
  const runSelect = h("select", { "aria-label": "run" });
  const method = h("select", { "aria-label": "projection" }, h("option", { value: "pca" }, "PCA"), h("option", { value: "umap" }, "UMAP"));
  const status = h("span", { class: "hint" });
  const canvas = h("canvas", { class: "embedding-canvas", width: 640, height: 520 });
  const hover = h("div", { class: "embedding-hover", hidden: true });
  const legend = h("div", { class: "digit-legend" }, ...DIGIT_COLORS.map((c, d) => h("span", {}, h("span", { class: "swatch", style: `background:${c}` }), String(d))));
  let embedding: Embedding | undefined;
  let points: Float64Array | undefined;
  let screen: { x: number; y: number }[] = [];
  const sprite = new Image();
  let drawToken = 0;

  function labelColumn(e: Embedding): number {
    const i = e.header.indexOf("label");
    return i >= 0 ? i : 0;
  }

  function draw(): void {
    hover.hidden = true;
    const ctx = canvas.getContext("2d")!;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (!embedding || !points) return;
    const n = embedding.rows;
    let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
    for (let i = 0; i < n; i++) {
      minX = Math.min(minX, points[2 * i]!); maxX = Math.max(maxX, points[2 * i]!);
      minY = Math.min(minY, points[2 * i + 1]!); maxY = Math.max(maxY, points[2 * i + 1]!);
    }
    const pad = 16;
    const sx = (canvas.width - 2 * pad) / (maxX - minX || 1);
    const sy = (canvas.height - 2 * pad) / (maxY - minY || 1);
    const col = labelColumn(embedding);
    screen = [];
    for (let i = 0; i < n; i++) {
      const x = pad + (points[2 * i]! - minX) * sx;
      const y = canvas.height - pad - (points[2 * i + 1]! - minY) * sy;
      screen.push({ x, y });
      const label = Number(embedding.metadata[i]?.[col]);
      ctx.fillStyle = DIGIT_COLORS[Number.isInteger(label) ? label % 10 : 0]!;
      ctx.globalAlpha = 0.75;
      ctx.beginPath();
      ctx.arc(x, y, 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    canvas.dataset.points = String(n);
  }

  async function project(): Promise<void> {
    if (!embedding) return;
    const token = ++drawToken;
    if (method.value === "umap") {
      status.textContent = "UMAP: starting";
      const result = await umap2d(embedding.vectors, (text) => { status.textContent = text; });
      if (token !== drawToken) return;
      points = result;
      status.textContent = `UMAP of ${embedding.rows} points (${embedding.cols} dimensions)`;
    } else {
      const result = pca2d(embedding.vectors);
      points = result.points;
      status.textContent = `PCA of ${embedding.rows} points (${embedding.cols} dimensions): the two components explain ${(100 * result.explained[0]).toFixed(1)} % and ${(100 * result.explained[1]).toFixed(1)} % of the variance`;
    }
    draw();
  }

  async function load(): Promise<void> {
    embedding = undefined;
    points = undefined;
    draw();
    const run = runSelect.value;
    if (!run) return;
    status.textContent = "loading…";
    try {
      embedding = await api.embedding(run, 0);
    } catch (error) {
      status.textContent = `could not load: ${(error as Error).message}`;
      return;
    }
    if (embedding.sprite) sprite.src = fileUrl(run, embedding.sprite.path);
    await project();
  }

  canvas.addEventListener("mousemove", (event) => {
    if (!embedding || screen.length === 0) return;
    const rect = canvas.getBoundingClientRect();
    const x = ((event.clientX - rect.left) * canvas.width) / rect.width;
    const y = ((event.clientY - rect.top) * canvas.height) / rect.height;
    let best = -1;
    let bestDistance = 64;
    screen.forEach((p, i) => {
      const d = (p.x - x) ** 2 + (p.y - y) ** 2;
      if (d < bestDistance) [best, bestDistance] = [i, d];
    });
    if (best < 0) {
      hover.hidden = true;
      return;
    }
    const row = embedding.metadata[best] ?? [];
    const thumb = h("canvas", { class: "pixelated thumb", width: LENET_IMAGE_SIDE, height: LENET_IMAGE_SIDE });
    const spriteInfo = embedding.sprite;
    if (spriteInfo && sprite.complete && sprite.naturalWidth > 0) {
      const perRow = Math.floor(sprite.naturalWidth / spriteInfo.width);
      thumb.width = spriteInfo.width;
      thumb.height = spriteInfo.height;
      thumb.getContext("2d")!.drawImage(sprite, (best % perRow) * spriteInfo.width, Math.floor(best / perRow) * spriteInfo.height,
        spriteInfo.width, spriteInfo.height, 0, 0, spriteInfo.width, spriteInfo.height);
    }
    hover.replaceChildren(thumb, h("div", {}, ...embedding.header.map((name, i) => h("div", {}, `${name}: ${row[i] ?? ""}`))));
    hover.hidden = false;
    hover.style.left = `${event.clientX - canvas.getBoundingClientRect().left + 14}px`;
    hover.style.top = `${event.clientY - canvas.getBoundingClientRect().top + 14}px`;
  });
  canvas.addEventListener("mouseleave", () => { hover.hidden = true; });
  runSelect.addEventListener("change", () => void load());
  method.addEventListener("change", () => void project());

  const view: View = {
    title: "Embedding",
    id: "embedding",
    element: h("section", { class: "view", "data-view": "embedding" },
      h("div", { class: "toolbar" }, h("label", {}, "run ", runSelect), h("label", {}, "projection ", method), status),
      legend,
      h("div", { class: "embedding-wrap" }, canvas, hover)),
    render() {
      const runs = store.visibleRuns().filter((run) => (store.run(run)?.embeddings ?? 0) > 0);
      const previous = runSelect.value;
      clear(runSelect);
      for (const run of runs) runSelect.appendChild(h("option", { value: run }, run));
      if (runs.length === 0) {
        status.textContent = "No visible run has an fc2 embedding yet (the projector files are written when training ends).";
        embedding = undefined;
        draw();
        return;
      }
      runSelect.value = runs.includes(previous) ? previous : runs[0]!;
      if (runSelect.value !== previous || !embedding) void load();
    },
    update(_changes: DataChange[]) {
      // Embeddings are written once, when a run ends; the run list change re-renders (main.ts).
    },
  };
  return view;
}
