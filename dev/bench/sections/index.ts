import type { BenchSection } from "../section.js";
import { apiSection } from "./api.js";
import { exportSection } from "./export.js";
import { scaleSection } from "./scale.js";
import { trackerSection } from "./tracker.js";

/** The sections of `npm run bench`, in the order they run (`--only` picks some by name). */
export const benchSections: readonly BenchSection[] = [exportSection, apiSection, trackerSection, scaleSection];
