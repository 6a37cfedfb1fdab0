// Figures of what a trained network gets wrong, for people (RUN_DIR/
// confusion.png, RUN_DIR/misclassified.png and the report):
//
//   confusion      the test set's confusion matrix with labelled axes: rows the
//                  true class, columns the prediction, each cell's count written
//                  on it, its colour the share of the true class's images it holds
//   misclassified  the test images the network was most sure about and got
//                  wrong, each titled "true → predicted" with the probability
//                  the network gave its (wrong) prediction
//
// Vega-Lite specifications, rendered by render.ts. Pure: numbers in, specs out.
// Not here: computing the matrix (src/train/confusion.ts), files.

import type { TopLevelSpec } from "vega-lite";
import { encodePng } from "../io/png.js";

/** The confusion matrix [true][predicted] of classes named `names`, as a labelled figure. */
export function confusionFigure(confusion: readonly (readonly number[])[], names: readonly string[], title: { text: string; subtitle?: string }): TopLevelSpec {
  const values = confusion.flatMap((row, actual) => {
    const total = row.reduce((sum, v) => sum + v, 0);
    return row.map((count, predicted) => ({
      actual: names[actual], predicted: names[predicted], count, share: total > 0 ? count / total : 0,
    }));
  });
  const side = Math.max(300, 42 * names.length);
  const axis = (t: string) => ({ field: t === "predicted" ? "predicted" : "actual", type: "ordinal", sort: [...names],
    title: t === "predicted" ? "predicted class" : "true class", axis: { labelAngle: 0, labelFontSize: 12, titleFontSize: 13, domain: false, ticks: false } });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { ...title, anchor: "start" },
    width: side, height: side,
    data: { values },
    encoding: { x: { ...axis("predicted"), axis: { ...axis("predicted").axis, orient: "top" } }, y: axis("actual") },
    layer: [
      { mark: { type: "rect", stroke: "#d0d0d0", strokeWidth: 0.5 },
        encoding: { color: { field: "share", type: "quantitative", title: ["share of the", "true class"], scale: { scheme: "blues", domain: [0, 1] },
          legend: { format: ".0%", gradientLength: side * 0.6 } } } },
      { mark: { type: "text", fontSize: names.length > 10 ? 9 : 11 },
        encoding: { text: { field: "count", type: "quantitative" },
          color: { condition: { test: "datum.share > 0.5", value: "white" }, value: "#222" } } },
    ],
  } as TopLevelSpec;
}

export interface Misclassified {
  /** 28×28 grayscale pixels of the image. */
  pixels: Uint8Array;
  width: number;
  height: number;
  actual: string;
  predicted: string;
  /** The probability the network gave its prediction. */
  probability: number;
}

/** "97%", "99.6%", "> 99.9%": a probability near 1 keeps the digit that tells it apart from certainty. */
export function probabilityText(p: number): string {
  if (p > 0.9995) return "> 99.9%";
  return `${(100 * p).toFixed(p >= 0.995 ? 1 : 0)}%`;
}

/** The images in a grid of `columns`, each titled with what it is and what the network took it for. */
export function misclassifiedFigure(items: readonly Misclassified[], title: { text: string; subtitle?: string }, columns = 8): TopLevelSpec {
  const scale = 2;
  const values = items.map((item, i) => ({
    order: i,
    // Facet keys must be unique; the header shows the part after "|".
    key: `${String(i).padStart(3, "0")}|${item.actual} → ${item.predicted} · ${probabilityText(item.probability)}`,
    url: `data:image/png;base64,${Buffer.from(encodePng({ width: item.width, height: item.height, channels: 1, data: item.pixels })).toString("base64")}`,
  }));
  const width = (items[0]?.width ?? 28) * scale;
  const height = (items[0]?.height ?? 28) * scale;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { ...title, anchor: "start" },
    data: { values },
    facet: { field: "key", type: "ordinal", title: null, sort: { field: "order" },
      header: { labelExpr: "split(datum.value, '|')[1]", labelFontSize: 10, labelPadding: 3 } },
    columns,
    spacing: { row: 4, column: 10 },
    spec: {
      width, height,
      mark: { type: "image", width, height, aspect: false },
      encoding: { url: { field: "url", type: "nominal" }, x: { value: width / 2 }, y: { value: height / 2 } },
      view: { stroke: null },
    },
  } as TopLevelSpec;
}
