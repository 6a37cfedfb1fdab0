// The ten digit colours of the embedding view: d3's Category10, a categorical
// palette made for ten classes, so that no two digits look alike (3 and 9
// among them). Pure; no DOM.

import { schemeCategory10 } from "d3-scale-chromatic";

/** One colour (#rrggbb) per digit 0–9. */
export const DIGIT_COLORS: readonly string[] = schemeCategory10;
