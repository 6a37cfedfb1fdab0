// A pad to draw a digit on with the mouse or a finger, and the drawing made
// into what the network was trained on: MNIST's digits are white on black,
// fitted into a 20×20 box keeping their proportions, and placed in the 28×28
// image so that their centre of mass is at its centre. The pad does the same
// to a drawing before the network sees it.

import { LENET_IMAGE_SIDE } from "../../../../engine/architecture.js";
import { h } from "../dom.js";

/** The pad's side in canvas pixels: ten to each pixel of the image. */
const PAD = 280;
/** MNIST's images are SIDE × SIDE, the digit fitted into BOX × BOX. */
const SIDE = LENET_IMAGE_SIDE;
const BOX = 20;
/** The pen's width on the pad: about a stroke of an MNIST digit (2 pixels) once shrunk. */
const STROKE = 22;

export interface DrawPad {
  element: HTMLElement;
  /** The canvas drawn on (white strokes on black). */
  canvas: HTMLCanvasElement;
  /** The drawing as a 28×28 MNIST image, or null when nothing is drawn. */
  image(): Uint8Array | null;
  clear(): void;
}

/** `onDrawn` is called after each stroke. */
export function createDrawPad(onDrawn: () => void): DrawPad {
  const canvas = h("canvas", { width: PAD, height: PAD, class: "draw-pad", "aria-label": "draw a digit here" });
  const context = canvas.getContext("2d", { willReadFrequently: true })!;
  const clearPad = () => {
    context.fillStyle = "#000";
    context.fillRect(0, 0, PAD, PAD);
  };
  clearPad();
  let last: [number, number] | null = null;
  const point = (event: PointerEvent): [number, number] => {
    const box = canvas.getBoundingClientRect();
    return [(event.clientX - box.left) * (PAD / box.width), (event.clientY - box.top) * (PAD / box.height)];
  };
  canvas.addEventListener("pointerdown", (event) => {
    canvas.setPointerCapture(event.pointerId);
    last = point(event);
    stroke(last, last);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!last) return;
    const next = point(event);
    stroke(last, next);
    last = next;
  });
  const end = () => {
    if (!last) return;
    last = null;
    onDrawn();
  };
  canvas.addEventListener("pointerup", end);
  // A program that draws on the pad itself (a test, an extension) says so with a "drawn" event.
  canvas.addEventListener("drawn", () => onDrawn());
  canvas.addEventListener("pointercancel", end);
  canvas.style.touchAction = "none";

  function stroke(from: [number, number], to: [number, number]): void {
    context.strokeStyle = "#fff";
    context.lineWidth = STROKE;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.beginPath();
    context.moveTo(...from);
    context.lineTo(...to);
    context.stroke();
  }

  return {
    element: canvas,
    canvas,
    image: () => mnistImage(canvas),
    clear: clearPad,
  };
}

/** The drawing on `canvas` (white on black) as MNIST would hold it, or null when it is blank. */
export function mnistImage(canvas: HTMLCanvasElement): Uint8Array | null {
  const { width, height } = canvas;
  const pixels = canvas.getContext("2d", { willReadFrequently: true })!.getImageData(0, 0, width, height).data;
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (pixels[(y * width + x) * 4] > 0) {
        x0 = Math.min(x0, x); x1 = Math.max(x1, x);
        y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return null;
  // Fit the ink's bounding box into BOX × BOX, keeping its proportions.
  const w = x1 - x0 + 1, hgt = y1 - y0 + 1;
  const scale = BOX / Math.max(w, hgt);
  const small = h("canvas", { width: SIDE, height: SIDE });
  const smallContext = small.getContext("2d", { willReadFrequently: true })!;
  smallContext.fillStyle = "#000";
  smallContext.fillRect(0, 0, SIDE, SIDE);
  smallContext.imageSmoothingEnabled = true;
  smallContext.imageSmoothingQuality = "high";
  const dw = w * scale, dh = hgt * scale;
  smallContext.drawImage(canvas, x0, y0, w, hgt, (SIDE - dw) / 2, (SIDE - dh) / 2, dw, dh);
  const fitted = smallContext.getImageData(0, 0, SIDE, SIDE).data;
  // Shift by whole pixels so that the centre of mass is at the image's centre.
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const v = fitted[(y * SIDE + x) * 4];
      mass += v; mx += v * x; my += v * y;
    }
  }
  const dx = Math.round((SIDE - 1) / 2 - mx / mass), dy = Math.round((SIDE - 1) / 2 - my / mass);
  const out = new Uint8Array(SIDE * SIDE);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const sx = x - dx, sy = y - dy;
      if (sx >= 0 && sx < SIDE && sy >= 0 && sy < SIDE) out[y * SIDE + x] = fitted[(sy * SIDE + sx) * 4];
    }
  }
  return out;
}
