// Vega views kept for figures of one shape. Parsing a specification and
// building its view is a fixed cost of every figure; figures that differ
// only in what signals hold (the ten digit maps of a run differ in title,
// subtitle and colour domain) are of one shape. Per shape a thread keeps
// the parsed specification, from which each figure's view is built with its
// own signal values (no parsing), and the last view: a figure that differs
// from the last only in text signals (titles) is drawn by that view, run
// again. A signal such as a scale's domain needs a new view, because Vega,
// run again, adds legend labels for new tick values after the kept ones,
// and the SVG would list them in another order than a fresh view does.
// A shape's view draws one figure at a time.
// Not here: what the figures are (heatmap-figure.ts), SVG and PNG (render.ts).

import * as vega from "vega";

/** A specification whose varying parts are signals, and the values they hold for one figure. */
export interface SignalledSpec {
  /** Declares every signal of `values` (its value there is any figure's). */
  spec: vega.Spec;
  values: Record<string, unknown>;
  /** The signals that only set one text each (a title): a view run again with new values of these draws what a fresh one does. */
  texts: readonly string[];
}

interface KeptShape {
  runtime: ReturnType<typeof vega.parse>;
  /** The view of the last figure of this shape, and its values. */
  last?: { view: vega.View; values: Record<string, unknown> };
  /** Settles when the figure that uses this shape last is drawn. */
  turn: Promise<unknown>;
}

/** Shapes a thread keeps: a compare run's heat maps come in a handful of shapes. */
const KEPT_SHAPES = 4;

/** By shape (the specification without its signals' values), least recently used first. */
const shapes = new Map<string, KeptShape>();

/** The specification without its signals' values: equal for two figures exactly when one parsed specification serves both. */
function shapeOf(spec: vega.Spec): string {
  return JSON.stringify({ ...spec, signals: (spec.signals ?? []).map((signal) => ({ ...signal, value: undefined })) });
}

/** True when `a` and `b` hold the same value for every signal but the text ones. */
function sameButTexts(a: Record<string, unknown>, b: Record<string, unknown>, texts: readonly string[]): boolean {
  const rest = (values: Record<string, unknown>) => JSON.stringify(Object.entries(values).filter(([name]) => !texts.includes(name)));
  return rest(a) === rest(b);
}

/** The view to draw `figure` with: the shape's last one when only text signals differ, else a new one from the parsed specification. */
function viewFor(kept: KeptShape, figure: SignalledSpec): vega.View {
  if (kept.last && sameButTexts(kept.last.values, figure.values, figure.texts)) return kept.last.view;
  kept.last?.view.finalize();
  const view = new vega.View(kept.runtime, { renderer: "none" });
  kept.last = { view, values: figure.values };
  return view;
}

/**
 * Calls `draw` with a view of `figure.spec` whose signals hold
 * `figure.values` and that has run, once the figure of the same shape
 * before it is drawn. What `draw` reads from the view is what it would read
 * from a view built afresh from the specification.
 */
export function withView<T>(figure: SignalledSpec, draw: (view: vega.View) => Promise<T>): Promise<T> {
  const shape = shapeOf(figure.spec);
  const kept = shapes.get(shape) ?? { runtime: vega.parse(figure.spec), turn: Promise.resolve() };
  shapes.delete(shape); // to the most recently used end
  shapes.set(shape, kept);
  const drawn = kept.turn.then(async () => {
    const view = viewFor(kept, figure);
    kept.last!.values = figure.values;
    try {
      for (const [name, value] of Object.entries(figure.values)) view.signal(name, value);
      // Vega sizes a view (autosize) on its first run, and later only when asked: a longer title must widen the figure as it would a fresh one.
      view.resize();
      await view.runAsync();
      return await draw(view);
    } catch (error) {
      // A view that failed half-way is not run again.
      view.finalize();
      kept.last = undefined;
      throw error;
    }
  });
  kept.turn = drawn.catch(() => undefined);
  for (const [oldest, old] of shapes) {
    if (shapes.size <= KEPT_SHAPES) break;
    shapes.delete(oldest);
    void old.turn.then(() => old.last?.view.finalize());
  }
  return drawn;
}
