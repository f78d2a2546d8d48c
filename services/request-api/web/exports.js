// @ts-check
/**
 * The status page's wiring: reads the token (fragment or form, kept in sessionStorage), asks the gateway's
 * /graphql (same origin) with it, and renders with textContent only (nothing from the server becomes markup).
 * A shown export is polled until its status is terminal.
 */
import {
  errorText,
  fileName,
  formatBytes,
  formatCount,
  formatDuration,
  formatInstant,
  inputValueOf,
  isTerminal,
  parseFragment,
  safeHref,
  tableProgress,
  windowFromInputs,
} from "./exports-view.js";

const TOKEN_KEY = "data-exporter.token";
const GRAPHQL_URL = "/graphql";
const POLL_MS = 2000;
const PAGE_SIZE = 20;

const LIST_QUERY = `query Exports($first: Int, $after: String) {
  exportRequests(first: $first, after: $after) {
    edges { node { id status progress mode requestedAt requestedBy windowStart windowEnd } }
    pageInfo { endCursor hasNextPage }
  }
}`;
const DETAIL_QUERY = `query Export($id: ID!) {
  exportRequest(id: $id) {
    id status progress mode run requestedAt requestedBy windowStart windowEnd completedAt linksExpireAt
    skippedTables { table reason }
    tables {
      tableName status attempts rows bytes error startedAt finishedAt manifestUrl
      files { key url rows bytes expiresAt }
    }
  }
}`;
const REQUEST_MUTATION = `mutation Request($startTime: Int!, $endTime: Int!, $force: Boolean) {
  requestData(startTime: $startTime, endTime: $endTime, force: $force)
}`;

/**
 * @template {HTMLElement} T
 * @param {string} selector
 * @param {new () => T} type
 * @returns {T}
 */
function find(selector, type) {
  const element = document.querySelector(selector);
  if (!(element instanceof type)) throw new Error(`the page lacks ${selector}`);
  return element;
}

const ui = {
  announcer: find("#announcer", HTMLElement),
  problem: find("#problem", HTMLElement),
  tokenForm: find("#token-form", HTMLFormElement),
  token: find("#token", HTMLInputElement),
  forget: find("#forget-token", HTMLButtonElement),
  requestForm: find("#request-form", HTMLFormElement),
  from: find("#from", HTMLInputElement),
  to: find("#to", HTMLInputElement),
  force: find("#force", HTMLInputElement),
  detail: find("#detail", HTMLElement),
  detailHeading: find("#detail-heading", HTMLElement),
  detailId: find("#detail-id", HTMLElement),
  detailSummary: find("#detail-summary", HTMLElement),
  exportProgress: find("#export-progress", HTMLProgressElement),
  exportProgressText: find("#export-progress-text", HTMLElement),
  detailRows: find("#detail-tables tbody", HTMLElement),
  skipped: find("#detail-skipped", HTMLElement),
  list: find("#list", HTMLElement),
  listRows: find("#exports tbody", HTMLElement),
  refresh: find("#refresh", HTMLButtonElement),
  more: find("#more", HTMLButtonElement),
};

class GraphQLFailure extends Error {
  /** @param {string | undefined} code @param {string} message */
  constructor(code, message) {
    super(errorText(code, message));
    this.code = code;
  }
}

/**
 * @param {string} query
 * @param {Record<string, unknown>} variables
 * @returns {Promise<any>}
 */
async function graphql(query, variables) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) throw new GraphQLFailure("UNAUTHENTICATED", "no token");
  const response = await fetch(GRAPHQL_URL, {
    method: "POST",
    // A JSON body is never a "simple" request: the gateway's CSRF prevention lets it through.
    headers: { "content-type": "application/json", accept: "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    credentials: "omit",
    cache: "no-store",
  });
  /** @type {{ data?: any, errors?: { message: string, extensions?: { code?: string } }[] }} */
  const body = await response.json().catch(() => ({ errors: [{ message: `HTTP ${response.status}` }] }));
  const first = body.errors?.[0];
  if (first) throw new GraphQLFailure(first.extensions?.code, first.message);
  return body.data;
}

/** @param {unknown} error */
function report(error) {
  const failure = error instanceof GraphQLFailure ? error : new GraphQLFailure(undefined, String(error));
  ui.problem.textContent = failure.message;
  if (failure.code === "UNAUTHENTICATED") ui.token.focus();
}

const clearProblem = () => void (ui.problem.textContent = "");

/**
 * @param {string} tag
 * @param {string} [text]
 * @param {string} [className]
 */
function cell(tag, text, className) {
  const element = document.createElement(tag);
  if (text !== undefined) element.textContent = text;
  if (className) element.className = className;
  return element;
}

/**
 * @param {number | null} value
 * @param {string} label
 */
function progressBar(value, label) {
  const bar = document.createElement("progress");
  bar.max = 100;
  if (value !== null) bar.value = value;
  bar.setAttribute("aria-label", label);
  bar.textContent = value === null ? "running" : `${value} %`;
  return bar;
}

/**
 * @param {string} text
 * @param {string} href
 */
function link(text, href) {
  const anchor = document.createElement("a");
  anchor.textContent = text;
  anchor.href = href;
  return anchor;
}

// --- the list ---------------------------------------------------------------------------------------------------

/** @type {string | null} */
let listCursor = null;

/** @param {boolean} append */
async function loadList(append) {
  if (!sessionStorage.getItem(TOKEN_KEY)) return;
  try {
    const data = await graphql(LIST_QUERY, { first: PAGE_SIZE, after: append ? listCursor : null });
    const { edges, pageInfo } = data.exportRequests;
    if (!append) ui.listRows.replaceChildren();
    for (const { node } of edges) ui.listRows.append(listRow(node));
    listCursor = pageInfo.endCursor;
    ui.more.hidden = !pageInfo.hasNextPage;
    if (!append) ui.announcer.textContent = `${edges.length} exports listed`;
    clearProblem();
  } catch (error) {
    report(error);
  }
}

/** @param {any} node */
function listRow(node) {
  const row = document.createElement("tr");
  const idCell = cell("td");
  idCell.append(link(node.id, `#${encodeURIComponent(node.id)}`));
  const progress = cell("td");
  progress.append(progressBar(node.progress, `Progress of export ${node.id}`), ` ${Math.round(node.progress)} %`);
  row.append(
    idCell,
    cell("td", formatInstant(node.requestedAt)),
    cell("td", `${formatInstant(node.windowStart)} – ${formatInstant(node.windowEnd)}`),
    cell("td", node.mode),
    cell("td", node.status),
    progress,
    cell("td", node.requestedBy ?? "scheduled"),
  );
  return row;
}

// --- one export, polled until it is terminal ----------------------------------------------------------------------

let generation = 0;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let pollTimer;
let lastAnnounced = "";

/** @param {string | undefined} id */
function route(id) {
  generation += 1;
  clearTimeout(pollTimer);
  lastAnnounced = "";
  if (!id) {
    ui.detail.hidden = true;
    ui.list.hidden = false;
    void loadList(false);
    return;
  }
  ui.detail.hidden = false;
  ui.list.hidden = true;
  ui.detailId.textContent = id;
  ui.detailRows.replaceChildren();
  ui.detailSummary.replaceChildren();
  ui.detailHeading.tabIndex = -1;
  ui.detailHeading.focus();
  void poll(id, generation);
}

/**
 * @param {string} id
 * @param {number} mine the route this poll belongs to; a newer route stops it
 */
async function poll(id, mine) {
  if (!sessionStorage.getItem(TOKEN_KEY)) return;
  let terminal = false;
  try {
    const data = await graphql(DETAIL_QUERY, { id });
    if (mine !== generation) return;
    renderDetail(data.exportRequest);
    terminal = isTerminal(data.exportRequest.status);
    clearProblem();
  } catch (error) {
    if (mine !== generation) return;
    report(error);
    // A refused token or an unknown id will not change by asking again.
    if (error instanceof GraphQLFailure && (error.code === "UNAUTHENTICATED" || error.code === "NOT_FOUND")) return;
  }
  if (!terminal && mine === generation) pollTimer = setTimeout(() => void poll(id, mine), POLL_MS);
}

/** @param {any} request */
function renderDetail(request) {
  const progress = Math.round(request.progress);
  ui.exportProgress.value = progress;
  ui.exportProgress.textContent = `${progress} %`;
  ui.exportProgressText.textContent = `${progress} %`;

  /** @type {[string, string][]} */
  const summary = [
    ["Status", request.status],
    ["Window", `${formatInstant(request.windowStart)} – ${formatInstant(request.windowEnd)}`],
    ["Mode", request.mode],
    ["Requested", `${formatInstant(request.requestedAt)} by ${request.requestedBy ?? "the schedule"}`],
    ["Completed", formatInstant(request.completedAt)],
    ["Links expire", formatInstant(request.linksExpireAt)],
    ["Run", String(request.run)],
  ];
  ui.detailSummary.replaceChildren(...summary.flatMap(([term, value]) => [cell("dt", term), cell("dd", value)]));

  const now = Date.now();
  ui.detailRows.replaceChildren(
    ...request.tables.map((/** @type {any} */ table) => {
      const row = document.createElement("tr");
      const progressCell = cell("td");
      progressCell.append(progressBar(tableProgress(table.status), `Progress of table ${table.tableName}`));
      const files = cell("td");
      const list = document.createElement("ul");
      table.files.forEach((/** @type {any} */ file, /** @type {number} */ index) => {
        const href = safeHref(file.url);
        if (!href) return;
        const item = document.createElement("li");
        const anchor = link(fileName(file.key), href);
        anchor.setAttribute(
          "aria-label",
          `Download ${table.tableName} file ${index + 1} of ${table.files.length} (${formatCount(file.rows)} rows)`,
        );
        anchor.setAttribute("download", fileName(file.key));
        item.append(anchor, ` ${formatBytes(file.bytes)}, until ${formatInstant(file.expiresAt)}`);
        list.append(item);
      });
      const manifest = safeHref(table.manifestUrl);
      if (manifest) {
        const item = document.createElement("li");
        const anchor = link("manifest", manifest);
        anchor.setAttribute("aria-label", `Manifest of ${table.tableName}`);
        item.append(anchor);
        list.append(item);
      }
      files.append(list);
      row.append(
        cell("th", table.tableName),
        cell("td", table.attempts > 1 ? `${table.status} (attempt ${table.attempts})` : table.status),
        progressCell,
        cell("td", formatCount(table.rows), "number"),
        cell("td", formatBytes(table.bytes), "number"),
        cell("td", formatInstant(table.startedAt)),
        cell("td", formatInstant(table.finishedAt)),
        cell("td", formatDuration(table.startedAt, table.finishedAt, now)),
        cell("td", table.error ?? "", table.error ? "error" : undefined),
        files,
      );
      row.firstElementChild?.setAttribute("scope", "row");
      return row;
    }),
  );
  ui.skipped.textContent =
    request.skippedTables.length === 0
      ? ""
      : `Skipped: ${request.skippedTables.map((/** @type {any} */ s) => `${s.table} (${s.reason})`).join(", ")}`;

  const news = `Export ${request.status}, ${progress} %`;
  if (news !== lastAnnounced) ui.announcer.textContent = lastAnnounced = news;
}

// --- forms and start-up -------------------------------------------------------------------------------------------

ui.tokenForm.addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, ui.token.value.trim());
  ui.token.value = "";
  clearProblem();
  ui.announcer.textContent = "Token saved for this tab";
  route(parseFragment(location.hash).id);
});

ui.forget.addEventListener("click", () => {
  sessionStorage.removeItem(TOKEN_KEY);
  ui.listRows.replaceChildren();
  ui.announcer.textContent = "Token forgotten";
});

ui.requestForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const exportWindow = windowFromInputs(ui.from.value, ui.to.value);
  if ("error" in exportWindow) {
    ui.problem.textContent = exportWindow.error;
    return;
  }
  graphql(REQUEST_MUTATION, { ...exportWindow, force: ui.force.checked }).then((data) => {
    clearProblem();
    location.hash = encodeURIComponent(data.requestData);
  }, report);
});

ui.refresh.addEventListener("click", () => void loadList(false));
ui.more.addEventListener("click", () => void loadList(true));
window.addEventListener("hashchange", () => route(parseFragment(location.hash).id));

const startOfTodayUtc = Math.floor(Date.now() / 86_400_000) * 86_400;
ui.from.value = inputValueOf(startOfTodayUtc - 86_400);
ui.to.value = inputValueOf(startOfTodayUtc);

const fragment = parseFragment(location.hash);
if (fragment.token) {
  sessionStorage.setItem(TOKEN_KEY, fragment.token);
  // Out of the address bar and the history at once: the token stays in this tab's sessionStorage only.
  history.replaceState(null, "", `${location.pathname}${location.search}${fragment.id ? `#${fragment.id}` : ""}`);
}
if (!sessionStorage.getItem(TOKEN_KEY)) ui.problem.textContent = "Enter a token to see your exports.";
route(fragment.id);
