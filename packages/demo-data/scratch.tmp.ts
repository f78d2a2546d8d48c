import pg from "pg";
import { seedWarehouse } from "./src/warehouse/seed-warehouse.js";
import { demoScales } from "./src/seed-params.js";
const pool = new pg.Pool({ connectionString: "postgres://postgres@127.0.0.1:35432/postgres" });
const scale = (process.argv[2] ?? "tiny") as keyof typeof demoScales;
const r = await seedWarehouse(pool, { ...demoScales[scale], schema: `scratch_${scale}`, force: process.argv[3] === "force" });
console.log(JSON.stringify({ ...r, window: { ...r.window } }, null, 1));
await pool.end();
