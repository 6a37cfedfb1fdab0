// A picture enlarged over the page: a modal <dialog> that shows an image at
// the largest size that fits the window (by a whole factor, pixels kept
// sharp, when it is smaller than the window; shrunk smoothly when larger),
// closed by a click, Escape, or its button. One dialog serves the whole page.

import { h } from "./dom.js";

let dialog: HTMLDialogElement | undefined;

/** Opens `img`'s picture (it must have loaded) enlarged over the page. */
export function enlarge(img: HTMLImageElement, caption: string): void {
  if (!dialog) {
    dialog = h("dialog", { class: "lightbox", "aria-label": "enlarged picture" });
    dialog.addEventListener("click", () => dialog!.close());
    document.body.appendChild(dialog);
  }
  const { naturalWidth: width, naturalHeight: height } = img;
  const room = { width: window.innerWidth * 0.94 - 24, height: window.innerHeight * 0.94 - 60 };
  const fit = Math.min(room.width / Math.max(1, width), room.height / Math.max(1, height));
  const scale = fit >= 1 ? Math.floor(fit) : fit;
  const large = h("img", { src: img.src, alt: img.alt, class: scale >= 2 ? "pixelated" : "", width: Math.round(width * scale), height: Math.round(height * scale) });
  dialog.replaceChildren(large,
    h("div", { class: "lightbox-caption" }, `${caption} · ${width} × ${height} px${scale >= 2 ? ` shown ×${scale}` : scale < 1 ? ` shown at ${Math.round(scale * 100)} %` : ""} · click or Esc to close`));
  dialog.dataset.src = img.src;
  dialog.showModal();
}
