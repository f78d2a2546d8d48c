import { trafficInsert } from "./src/warehouse/generate-sql.js";
import { demoScales } from "./src/seed-params.js";
console.log(trafficInsert("scratch_bench", demoScales.bench, 24).sql.replace("$1::timestamptz", "timestamptz '2024-04-30 14:00:00+00'"));
