import { scheduledExportSuite } from "./suites/scheduled-export.js";

scheduledExportSuite("postgres");
