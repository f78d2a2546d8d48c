import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { Browser } from "playwright-core";
import {
  firstDemoDay,
  graphql,
  launchChromium,
  readParquet,
  startDeployment,
  startDeploymentGateway,
  type DeploymentGateway,
  type TestDeployment,
} from "../../dev/harness/index.js";

/**
 * The /exports status page in a real browser (Debian's Chromium), opened through the gateway as a caller opens it:
 * the token arrives in the URL fragment, an export is requested with the page's form, the page follows it to 100 %
 * by itself, and a download link hands over a Parquet file with the rows the export reports.
 */
let browser: Browser;
let deployment: TestDeployment;
let gateway: DeploymentGateway;

interface TableView {
  tableName: string;
  status: string;
  rows: number | null;
  files: { key: string; rows: number }[];
}

beforeAll(async () => {
  // First: on a fresh machine this installs Chromium with apt-get, which takes a while.
  browser = await launchChromium((msg) => process.stderr.write(`[status-page] ${msg}\n`));
  deployment = await startDeployment({ label: "page" });
  gateway = await startDeploymentGateway(deployment);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await deployment?.stop();
});

const inputValue = (epochSeconds: number): string => new Date(epochSeconds * 1000).toISOString().slice(0, 16);

describe("the status page through the gateway", () => {
  it("requests an export, follows it live to 100 % and downloads a file that reads as the Parquet it reports", async () => {
    const token = gateway.issuer.mint({ sub: "page-reader", roles: [] });
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => void (message.type() === "error" && pageErrors.push(message.text())));
    page.on(
      "response",
      (response) => void (response.status() >= 400 && pageErrors.push(`${response.status()} ${response.url()}`)),
    );

    await page.goto(`${gateway.statusPageUrl}#token=${token}`);
    // The token leaves the address bar at once; the tab keeps it in sessionStorage.
    await page.waitForURL(gateway.statusPageUrl);
    expect(await page.evaluate(() => sessionStorage.getItem("data-exporter.token"))).toBe(token);

    const [from, to] = firstDemoDay(deployment);
    await page.getByLabel("From (UTC)").fill(inputValue(from));
    await page.getByLabel("To (UTC, exclusive)").fill(inputValue(to));
    await page.getByRole("button", { name: "Request export" }).click();

    await page.waitForURL(/#[0-9a-f-]{36}$/);
    const id = new URL(page.url()).hash.slice(1);
    await page.getByRole("heading", { name: `Export ${id}` }).waitFor();
    const exportProgress = page.getByRole("progressbar", { name: "Export progress" });
    await exportProgress.and(page.locator('[value="100"]')).waitFor({ timeout: 180_000 });
    expect(await page.locator("#detail-summary").textContent()).toContain("Completed");
    expect(await page.getByRole("status").textContent()).toBe("Export Completed, 100 %");

    // What the page shows is the caller's export as GraphQL reports it.
    const answer = await graphql<{ exportRequest: { requestedBy: string; tables: TableView[] } }>(
      gateway.url,
      `
        query ($id: ID!) {
          exportRequest(id: $id) {
            requestedBy
            tables {
              tableName
              status
              rows
              files {
                key
                rows
              }
            }
          }
        }
      `,
      { id },
      undefined,
      { authorization: `Bearer ${token}` },
    );
    const exported = answer.data?.exportRequest;
    expect(exported?.requestedBy).toBe("page-reader");
    const table = exported?.tables.find((t) => t.status === "COMPLETED" && (t.rows ?? 0) > 0 && t.files.length > 0);
    if (table === undefined) throw new Error(`no completed table with rows: ${JSON.stringify(answer)}`);
    const file = table.files[0];
    if (file === undefined) throw new Error("no file");
    for (const t of exported?.tables ?? [])
      expect(
        await page
          .getByRole("progressbar", { name: `Progress of table ${t.tableName}`, exact: true })
          .getAttribute("value"),
      ).toBe("100");
    const row = page
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: table.tableName, exact: true }) });
    expect(await row.textContent()).toContain((table.rows ?? 0).toLocaleString("en"));

    const link = page.getByRole("link", {
      name: `Download ${table.tableName} file 1 of ${table.files.length}`,
      exact: false,
    });
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    const parquet = await readParquet(new Uint8Array(await readFile(await download.path())));
    expect(parquet.rows.length).toBe(file.rows);
    expect(download.suggestedFilename()).toBe(file.key.slice(file.key.lastIndexOf("/") + 1));

    // Back to the list: the export is there, complete.
    await page.getByRole("link", { name: "Back to all exports" }).click();
    const listed = page.getByRole("row").filter({ has: page.getByRole("link", { name: id }) });
    await listed.waitFor();
    expect(await listed.textContent()).toContain("Completed");
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
