// A few DOM helpers so the views read as structure, not as createElement calls.

type Attributes = Record<string, string | number | boolean | EventListener | undefined>;
type Child = Node | string | null | undefined | false;

/** Creates an element: h("div", { class: "card", onclick: fn }, child, …). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value as EventListener);
    else if (name in element && name !== "list" && typeof value !== "string") (element as unknown as Record<string, unknown>)[name] = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

/** Removes every child of `element`. */
export function clear(element: Element): void {
  while (element.firstChild) element.removeChild(element.firstChild);
}

/** Formats a number compactly for tooltips and tables. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) >= 1e5 || Math.abs(value) < 1e-3)) return value.toExponential(3);
  return String(Number(value.toPrecision(5)));
}

/** Offers `content` as a file download. */
export function download(name: string, href: string): void {
  const link = h("a", { href, download: name });
  document.body.appendChild(link);
  link.click();
  link.remove();
}

const pendingVisible = new WeakMap<Element, () => void>();
const visibilityObserver = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    const callback = pendingVisible.get(entry.target);
    pendingVisible.delete(entry.target);
    visibilityObserver.unobserve(entry.target);
    callback?.();
  }
}, { rootMargin: "300px" });

/** Calls `callback` once, when `element` first comes near the viewport (lazy loading of cards). */
export function whenVisible(element: Element, callback: () => void): void {
  pendingVisible.set(element, callback);
  visibilityObserver.observe(element);
}
