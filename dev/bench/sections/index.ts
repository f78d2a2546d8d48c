import type { BenchSection } from "../section.js";
import { trackerSection } from "./tracker.js";

/** The sections of `npm run bench`, in the order they run (`--only` picks some by name). */
export const benchSections: readonly BenchSection[] = [trackerSection];
