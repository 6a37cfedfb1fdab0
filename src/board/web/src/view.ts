// What every tab of the dashboard implements: an element, and what to do
// when it is shown, hidden, and when new data arrives while it is shown.

import type { DataChange } from "./state.js";

export interface View {
  /** Tab label. */
  title: string;
  /** data-view attribute value (used by tests and CSS). */
  id: string;
  element: HTMLElement;
  /** Called when the tab is opened, and when the visible runs or the settings change while it is open. */
  render(): void;
  /** New data in a run while the tab is open (throttled by the caller). */
  update(changes: DataChange[]): void;
  /** Called when the tab is closed. */
  hide?(): void;
}
