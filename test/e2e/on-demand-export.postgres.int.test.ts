import { onDemandExportSuite } from "./suites/on-demand-export.js";

onDemandExportSuite("postgres");
