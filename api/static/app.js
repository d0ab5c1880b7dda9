// qawl search page: plain ES module over the public GraphQL API (POST /graphql).
// Data is never inserted as HTML: the DOM is built with textContent, and the only markup taken
// from the server, <mark> in `highlight`, is parsed here into elements.

import { ApiError, gql, setApiKey } from "./graphql.js";
import { parseHighlight, splitNumbers } from "./highlight.js";

// -- the GraphQL documents (the same ones the README shows) ----------------------------------
const CLAIM_FIELDS = `
fragment ClaimCard on Claim {
  claimId text highlight claimant claimantType attributionVerb isQuote kind rating
  numbers { value text counted approximate }
  people organizations places checkworthiness publishedAt source url articleId
  article { title url source publishedAt }
}`;

const SEARCH = `
query Search($query: String, $filter: ClaimFilter, $sort: ClaimSort, $first: Int!, $after: String) {
  claims(query: $query, filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    facets {
      claimants { value count } places { value count } people { value count }
      organizations { value count } sources { value count }
    }
    edges { cursor node { ...ClaimCard } }
  }
}${CLAIM_FIELDS}`;

const MORE = `
query More($query: String, $filter: ClaimFilter, $sort: ClaimSort, $first: Int!, $after: String) {
  claims(query: $query, filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { ...ClaimCard } }
  }
}${CLAIM_FIELDS}`;

const SIMILAR = `
query Similar($text: String!, $first: Int!) {
  similarClaims(text: $text, first: $first) { score claim { ...ClaimCard } }
}${CLAIM_FIELDS}`;

const ARTICLE = `
query Article($id: ID!) { article(id: $id) { title body url source publishedAt } }`;

// -- state <-> URL -----------------------------------------------------------------------
const FACETS = [
  // [GraphQL facet name, ClaimFilter field, URL parameter, heading]
  ["claimants", "claimant", "claimant", "القائلون"],
  ["people", "person", "person", "الأشخاص"],
  ["organizations", "organization", "org", "المنظمات"],
  ["places", "place", "place", "الأماكن"],
  ["sources", "source", "source", "المصادر"],
];
const SORTS = new Set(["RELEVANCE", "PUBLISHED_AT_DESC", "CHECKWORTHINESS_DESC"]);
const DEFAULT_FIRST = 20;
const FACET_SHOWN = 8;
const SIMILAR_FIRST = 8;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function readUrl() {
  const p = new URLSearchParams(location.search);
  const state = { q: (p.get("q") || "").trim(), sort: p.get("sort") || "RELEVANCE", from: p.get("from") || "", to: p.get("to") || "" };
  if (!SORTS.has(state.sort)) state.sort = "RELEVANCE";
  if (!DATE_RE.test(state.from)) state.from = "";
  if (!DATE_RE.test(state.to)) state.to = "";
  const first = Number.parseInt(p.get("first") || "", 10);
  state.first = Number.isFinite(first) && first >= 1 && first <= 100 ? first : DEFAULT_FIRST;
  for (const [, field, param] of FACETS) state[field] = [...new Set(p.getAll(param).filter(Boolean))];
  return state;
}

function toUrl(state) {
  const p = new URLSearchParams();
  if (state.q) p.set("q", state.q);
  for (const [, field, param] of FACETS) for (const v of state[field]) p.append(param, v);
  if (state.from) p.set("from", state.from);
  if (state.to) p.set("to", state.to);
  if (state.sort !== "RELEVANCE") p.set("sort", state.sort);
  if (state.first !== DEFAULT_FIRST) p.set("first", String(state.first));
  const qs = p.toString();
  return qs ? `?${qs}` : location.pathname;
}

function filterOf(state) {
  const filter = {};
  for (const [, field] of FACETS) if (state[field].length) filter[field] = state[field];
  if (state.from) filter.publishedAfter = `${state.from}T00:00:00Z`;
  if (state.to) filter.publishedBefore = `${state.to}T23:59:59Z`;
  return Object.keys(filter).length ? filter : null;
}

function hasFilters(state) {
  return FACETS.some(([, field]) => state[field].length) || Boolean(state.from || state.to);
}

// -- formatting -------------------------------------------------------------------------
const numberFmt = new Intl.NumberFormat("ar-u-nu-latn", { maximumFractionDigits: 2 });
const dateFmt = new Intl.DateTimeFormat("ar-u-nu-latn", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const percent = (x) => `${Math.round(x * 100)}٪`;
const plural = new Intl.PluralRules("ar");

/** "3 ادعاءات", "ادعاءان", "11 ادعاءً": Arabic counts agree with their noun. */
function countClaims(n, similar = false) {
  const forms = similar
    ? { zero: "لا ادعاءات مشابهة", one: "ادعاء مشابه واحد", two: "ادعاءان مشابهان", few: "# ادعاءات مشابهة", many: "# ادعاءً مشابهاً", other: "# ادعاء مشابه" }
    : { zero: "لا ادعاءات", one: "ادعاء واحد", two: "ادعاءان", few: "# ادعاءات", many: "# ادعاءً", other: "# ادعاء" };
  return forms[plural.select(n)].replace("#", numberFmt.format(n));
}

function formatDate(iso) {
  const d = iso ? new Date(iso) : null;
  return d && !Number.isNaN(d.getTime()) ? dateFmt.format(d) : "";
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("data-") || k.startsWith("aria-") || k === "type" || k === "title" || k === "role") node.setAttribute(k, String(v));
    else node[k] = v;
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

// -- DOM references ---------------------------------------------------------------------
const $ = (id) => document.getElementById(id);
const ui = {
  form: $("search-form"), q: $("q"), sort: $("sort"), datesForm: $("dates-form"), from: $("from"), to: $("to"),
  facets: $("facets"), clear: $("clear-filters"), status: $("status"), active: $("active-filters"),
  cards: $("cards"), more: $("load-more"), notice: $("notice"), template: $("card-template"),
  similar: $("similar"), similarTitle: $("similar-title"), similarSource: $("similar-source"),
  similarStatus: $("similar-status"), similarList: $("similar-list"), similarClose: $("similar-close"),
  pasteForm: $("paste-form"), paste: $("paste"), results: $("results"),
  sidebar: $("sidebar"), filtersToggle: $("filters-toggle"), filtersCount: $("filters-count"),
};

let state = readUrl();
let page = { endCursor: null, hasNext: false, total: 0, ids: new Set() };
let searchSeq = 0;
let searchAbort = null;
let similarAbort = null;
const expandedFacets = new Set();

function setPageState(name) {
  document.body.dataset.state = name;
  ui.cards.setAttribute("aria-busy", name === "loading" ? "true" : "false");
}

// -- rendering: one claim card ----------------------------------------------------------
function claimTextNodes(claim, useHighlight) {
  const frag = document.createDocumentFragment();
  const segments = useHighlight && claim.highlight ? parseHighlight(claim.highlight) : [{ text: claim.text, mark: false }];
  const surfaces = (claim.numbers || []).map((n) => n.text).filter(Boolean);
  for (const seg of segments) {
    const target = seg.mark ? frag.appendChild(el("mark")) : frag;
    for (const part of splitNumbers(seg.text, surfaces)) {
      target.append(part.number ? el("span", { class: "num", text: part.text }) : document.createTextNode(part.text));
    }
  }
  return frag;
}

function numberChip(n) {
  const value = numberFmt.format(n.value);
  const label = `${n.approximate ? "نحو " : ""}${value}${n.counted ? ` ${n.counted}` : ""}`;
  return el("li", { class: "chip chip-number", "data-value": n.value, title: `في النص: ${n.text}`, "aria-label": label },
    n.approximate ? el("span", { class: "chip-approx", text: "نحو" }) : null,
    el("span", { class: "chip-value", text: value }),
    n.counted ? el("span", { class: "chip-counted", text: n.counted }) : null);
}

function entityRow(label, values, field) {
  if (!values || !values.length) return null;
  const dd = el("dd");
  for (const v of values) {
    const active = state[field].includes(v);
    dd.append(el("button", { type: "button", class: "chip chip-entity", text: v, "aria-pressed": active ? "true" : "false",
      title: active ? "مفعّل في المرشحات" : `تضييق النتائج إلى «${v}»`, onclick: () => toggleFilter(field, v, true) }));
  }
  return [el("dt", { text: label }), dd];
}

function renderCard(claim, { useHighlight = true, score = null } = {}) {
  const li = ui.template.content.firstElementChild.cloneNode(true);
  li.dataset.claimId = claim.claimId;
  li.tabIndex = -1;
  const claimant = li.querySelector(".claimant");
  claimant.textContent = claim.claimant || "غير منسوب";
  if (!claim.claimant) claimant.classList.add("unattributed");
  li.querySelector(".verb").textContent = claim.attributionVerb || "";

  const badge = li.querySelector(".worth");
  if (score !== null) {
    badge.hidden = false;
    badge.textContent = score >= 0 && score <= 1 ? `تشابه ${percent(score)}` : `تشابه ${numberFmt.format(score)}`;
    badge.classList.add("badge-score");
  } else if (claim.kind === "verified") {
    badge.hidden = false;
    badge.textContent = claim.rating ? `تم التحقق: ${claim.rating}` : "ادعاء تم التحقق منه";
    badge.classList.add("badge-verified");
  } else if (typeof claim.checkworthiness === "number") {
    badge.hidden = false;
    badge.textContent = `جدارة التحقق ${percent(claim.checkworthiness)}`;
    if (claim.checkworthiness >= 0.7) badge.classList.add("badge-high");
  }

  const quote = li.querySelector(".claim-text");
  quote.append(claimTextNodes(claim, useHighlight));
  if (claim.isQuote) quote.classList.add("is-quote");

  const nums = li.querySelector(".numbers");
  for (const n of claim.numbers || []) nums.append(numberChip(n));
  if (!nums.children.length) nums.remove();

  const dl = li.querySelector(".entities");
  for (const row of [entityRow("أشخاص", claim.people, "person"), entityRow("منظمات", claim.organizations, "organization"), entityRow("أماكن", claim.places, "place")]) {
    if (row) dl.append(...row);
  }
  if (!dl.children.length) dl.remove();

  const article = claim.article || {};
  const source = claim.source || article.source;
  const published = formatDate(claim.publishedAt || article.publishedAt);
  const meta = li.querySelector(".meta");
  if (source) meta.append(el("span", { class: "source", text: source }));
  if (published) meta.append(el("time", { class: "date", text: published, dateTime: claim.publishedAt || article.publishedAt }));
  if (article.title) meta.append(el("span", { class: "article-title", text: article.title }));

  const url = safeUrl(claim.url || article.url);
  const link = li.querySelector(".article-link");
  if (url) {
    link.hidden = false;
    link.href = url;
    link.textContent = "المقال الأصلي";
  }
  const showArticle = li.querySelector(".show-article");
  const body = li.querySelector(".article-body");
  if (claim.articleId) {
    showArticle.hidden = false;
    body.id = `article-${claim.claimId}-${Math.random().toString(36).slice(2, 8)}`;
    showArticle.setAttribute("aria-controls", body.id);
    showArticle.addEventListener("click", () => toggleArticle(showArticle, body, claim.articleId));
  }
  const similarBtn = li.querySelector(".find-similar");
  similarBtn.setAttribute("aria-label", `ادعاءات مشابهة لهذا الادعاء`);
  similarBtn.addEventListener("click", () => findSimilar(claim.text, { claimId: claim.claimId, label: claim.text }));
  return li;
}

function safeUrl(value) {
  if (!value) return null;
  try {
    const u = new URL(value, location.href);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

async function toggleArticle(button, body, articleId) {
  const open = button.getAttribute("aria-expanded") === "true";
  button.setAttribute("aria-expanded", open ? "false" : "true");
  body.hidden = open;
  if (open || body.dataset.loaded) return;
  body.replaceChildren(el("p", { class: "muted", text: "جارٍ تحميل المقال…" }));
  try {
    const data = await gql(ARTICLE, { id: articleId });
    const a = data.article;
    if (!a) {
      body.replaceChildren(el("p", { class: "muted", text: "لم يُعثر على المقال." }));
      return;
    }
    const parts = [el("h4", { text: a.title || "بلا عنوان" })];
    for (const para of (a.body || "").split(/\n+/)) if (para.trim()) parts.push(el("p", { text: para }));
    body.replaceChildren(...parts);
    body.dataset.loaded = "1";
  } catch (err) {
    body.replaceChildren(el("p", { class: "muted", text: messageOf(err) }));
  }
}

// -- rendering: facets, active filters, status ------------------------------------------
function renderFacets(facets) {
  const panels = [];
  for (const [name, field, , heading] of FACETS) {
    const values = [...((facets && facets[name]) || [])];
    for (const v of state[field]) if (!values.some((x) => x.value === v)) values.push({ value: v, count: 0 });
    if (!values.length) continue;
    const id = `facet-${name}`;
    const list = el("ul", { class: "facet-list", id: `${id}-list` });
    const expanded = expandedFacets.has(name);
    values.forEach((fv, i) => {
      const active = state[field].includes(fv.value);
      const button = el("button", {
        type: "button", class: "facet-value", "aria-pressed": active ? "true" : "false",
        "data-facet": field, "data-value": fv.value, "data-count": fv.count,
        "aria-label": `${fv.value}، ${fv.count} ${active ? "(مفعّل)" : ""}`.trim(),
        onclick: () => toggleFilter(field, fv.value),
      }, el("span", { class: "facet-name", text: fv.value }), el("span", { class: "facet-count", text: numberFmt.format(fv.count) }));
      list.append(el("li", { hidden: !expanded && !active && i >= FACET_SHOWN }, button));
    });
    const section = el("section", { class: "panel facet", "aria-labelledby": `${id}-h` }, el("h3", { id: `${id}-h`, text: heading }), list);
    if (values.length > FACET_SHOWN) {
      section.append(el("button", {
        type: "button", class: "btn btn-link btn-small", "aria-controls": `${id}-list`, "aria-expanded": expanded ? "true" : "false",
        text: expanded ? "عرض أقل" : `عرض الكل (${values.length})`,
        onclick: () => {
          if (expanded) expandedFacets.delete(name); else expandedFacets.add(name);
          renderFacets(facets);
          ui.facets.querySelector(`#${id}-h`)?.parentElement.querySelector("button.btn-link")?.focus();
        },
      }));
    }
    panels.push(section);
  }
  ui.facets.replaceChildren(...panels);
}

function renderActive() {
  const items = [];
  for (const [, field, , heading] of FACETS) {
    for (const v of state[field]) {
      items.push(el("li", {}, el("button", {
        type: "button", class: "chip chip-active", "aria-label": `إزالة المرشح ${heading}: ${v}`,
        onclick: () => toggleFilter(field, v),
      }, el("span", { text: v }), el("span", { class: "x", "aria-hidden": "true", text: "×" }))));
    }
  }
  if (state.from || state.to) {
    const label = `${state.from || "…"} ← ${state.to || "…"}`;
    items.push(el("li", {}, el("button", {
      type: "button", class: "chip chip-active", "aria-label": `إزالة مرشح التاريخ ${label}`,
      onclick: () => { state.from = ""; state.to = ""; commit(); },
    }, el("span", { text: label }), el("span", { class: "x", "aria-hidden": "true", text: "×" }))));
  }
  ui.active.replaceChildren(...items);
  ui.clear.hidden = !items.length;
  ui.filtersCount.textContent = items.length ? numberFmt.format(items.length) : "";
}

function renderStatus() {
  const shown = ui.cards.children.length;
  if (!page.total) {
    ui.status.textContent = "";
    return;
  }
  const q = state.q ? ` عن «${state.q}»` : "";
  ui.status.textContent = `${countClaims(page.total)}${q}${shown < page.total ? ` — يُعرض ${numberFmt.format(shown)}` : ""}`;
}

function showNotice(kind, title, text, action) {
  ui.notice.hidden = false;
  ui.notice.className = `notice notice-${kind}`;
  ui.notice.dataset.kind = kind;
  const parts = [el("strong", { text: title }), el("p", { text })];
  if (action) parts.push(action);
  ui.notice.replaceChildren(...parts);
}

function hideNotice() {
  ui.notice.hidden = true;
  ui.notice.replaceChildren();
  delete ui.notice.dataset.kind;
}

function messageOf(err) {
  if (err instanceof ApiError && err.kind === "unavailable") return "خدمة البحث غير متاحة حالياً.";
  if (err instanceof ApiError && err.code === "RATE_LIMITED") return "طلبات كثيرة في وقت قصير؛ انتظر لحظة ثم أعد المحاولة.";
  return err && err.message ? err.message : "حدث خطأ غير متوقع.";
}

function showFailure(err) {
  const retry = el("button", { type: "button", class: "btn btn-small", text: "إعادة المحاولة", onclick: () => runSearch() });
  if (err instanceof ApiError && err.kind === "unavailable") {
    setPageState("unavailable");
    showNotice("unavailable", "البحث غير متاح الآن", "تعذّر الوصول إلى خدمة البحث. النتائج ستعود حين تعود الخدمة؛ حاول مجدداً بعد قليل.", retry);
  } else if (err instanceof ApiError && err.kind === "auth") {
    setPageState("error");
    showNotice("error", "مطلوب مفتاح وصول", "تتطلب هذه الواجهة مفتاح قراءة (read).", keyForm());
  } else {
    setPageState("error");
    showNotice("error", "تعذّر إتمام البحث", messageOf(err), retry);
  }
}

function keyForm() {
  const input = el("input", { type: "password", id: "api-key", autocomplete: "off" });
  const form = el("form", { class: "key-form" }, el("label", { htmlFor: "api-key", text: "مفتاح الوصول" }), input,
    el("button", { type: "submit", class: "btn btn-small btn-primary", text: "متابعة" }));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    setApiKey(input.value.trim());
    runSearch();
  });
  return form;
}

// -- searching --------------------------------------------------------------------------
function variables(after = null) {
  return { query: state.q || null, filter: filterOf(state), sort: state.sort === "RELEVANCE" ? null : state.sort, first: state.first, after };
}

async function runSearch() {
  const seq = ++searchSeq;
  searchAbort?.abort();
  searchAbort = new AbortController();
  setPageState("loading");
  ui.status.textContent = "جارٍ البحث…";
  ui.more.hidden = true;
  renderActive();
  try {
    const data = await gql(SEARCH, variables(), searchAbort.signal);
    if (seq !== searchSeq) return;
    hideNotice();
    const conn = data.claims;
    page = { endCursor: conn.pageInfo.endCursor, hasNext: conn.pageInfo.hasNextPage, total: conn.totalCount, ids: new Set() };
    ui.cards.replaceChildren();
    appendEdges(conn.edges);
    renderFacets(conn.facets);
    renderActive();
    if (!conn.edges.length) {
      setPageState("empty");
      const hint = hasFilters(state) ? "جرّب إزالة بعض المرشحات أو توسيع نطاق التاريخ." : "جرّب كلمات أخرى أو اسماً أو رقماً.";
      const action = hasFilters(state) ? el("button", { type: "button", class: "btn btn-small", text: "مسح المرشحات", onclick: clearFilters }) : null;
      showNotice("empty", "لا توجد ادعاءات مطابقة", hint, action);
    } else {
      setPageState("ready");
    }
    renderStatus();
    ui.more.hidden = !page.hasNext;
  } catch (err) {
    if (err.name === "AbortError" || seq !== searchSeq) return;
    ui.cards.replaceChildren();
    ui.facets.replaceChildren();
    ui.status.textContent = "";
    showFailure(err);
  }
}

function appendEdges(edges) {
  const added = [];
  for (const { node } of edges) {
    if (page.ids.has(node.claimId)) continue;
    page.ids.add(node.claimId);
    const card = renderCard(node);
    ui.cards.append(card);
    added.push(card);
  }
  return added;
}

async function loadMore() {
  if (!page.hasNext || !page.endCursor) return;
  const seq = searchSeq;
  ui.more.disabled = true;
  ui.more.textContent = "جارٍ التحميل…";
  try {
    const data = await gql(MORE, variables(page.endCursor));
    if (seq !== searchSeq) return;
    const conn = data.claims;
    page.endCursor = conn.pageInfo.endCursor;
    page.hasNext = conn.pageInfo.hasNextPage;
    page.total = conn.totalCount;
    const added = appendEdges(conn.edges);
    renderStatus();
    ui.more.hidden = !page.hasNext;
    added[0]?.focus();
  } catch (err) {
    showFailure(err);
  } finally {
    ui.more.disabled = false;
    ui.more.textContent = "عرض المزيد";
  }
}

// -- similar claims ---------------------------------------------------------------------
async function findSimilar(text, { claimId = null, label = null } = {}) {
  similarAbort?.abort();
  similarAbort = new AbortController();
  ui.similar.hidden = false;
  ui.similar.dataset.state = "loading";
  ui.similarTitle.textContent = claimId ? "ادعاءات مشابهة" : "ادعاءات تكرّرها الفقرة";
  ui.similarSource.textContent = label ? `«${label.length > 220 ? `${label.slice(0, 220)}…` : label}»` : "";
  ui.similarStatus.textContent = "جارٍ البحث عن ادعاءات مشابهة…";
  ui.similarList.replaceChildren();
  ui.similar.focus();
  try {
    const data = await gql(SIMILAR, { text, first: SIMILAR_FIRST + (claimId ? 1 : 0) }, similarAbort.signal);
    const matches = (data.similarClaims || []).filter((m) => m.claim.claimId !== claimId).slice(0, SIMILAR_FIRST);
    ui.similarList.replaceChildren(...matches.map((m) => renderCard(m.claim, { useHighlight: false, score: m.score })));
    ui.similar.dataset.state = matches.length ? "ready" : "empty";
    ui.similarStatus.textContent = matches.length ? countClaims(matches.length, true) : "لم يُعثر على ادعاءات مشابهة.";
  } catch (err) {
    if (err.name === "AbortError") return;
    ui.similar.dataset.state = err instanceof ApiError && err.kind === "unavailable" ? "unavailable" : "error";
    ui.similarStatus.textContent = err instanceof ApiError && err.kind === "unavailable"
      ? "البحث غير متاح الآن؛ حاول مجدداً بعد قليل." : `تعذّر البحث عن ادعاءات مشابهة: ${messageOf(err)}`;
  }
}

function closeSimilar() {
  similarAbort?.abort();
  ui.similar.hidden = true;
  ui.similarList.replaceChildren();
  ui.q.focus();
}

// -- state changes ----------------------------------------------------------------------
function syncForm() {
  if (document.activeElement !== ui.q) ui.q.value = state.q;
  ui.sort.value = state.sort;
  ui.from.value = state.from;
  ui.to.value = state.to;
}

function commit({ replace = false } = {}) {
  const url = toUrl(state);
  if (url !== location.pathname + location.search || !replace) {
    history[replace ? "replaceState" : "pushState"](null, "", url);
  }
  syncForm();
  runSearch();
}

function toggleFilter(field, value, onlyAdd = false) {
  const list = state[field];
  const i = list.indexOf(value);
  if (i >= 0 && !onlyAdd) list.splice(i, 1);
  else if (i < 0) list.push(value);
  else return;
  commit();
  // keep keyboard focus on the facet just toggled (its panel is re-rendered)
  const again = [...ui.facets.querySelectorAll("button.facet-value")].find((b) => b.dataset.facet === field && b.dataset.value === value);
  if (again && document.activeElement === document.body) again.focus();
}

function clearFilters() {
  for (const [, field] of FACETS) state[field] = [];
  state.from = "";
  state.to = "";
  commit();
}

let typingTimer = null;
ui.q.addEventListener("input", () => {
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => {
    const q = ui.q.value.trim();
    if (q === state.q) return;
    state.q = q;
    commit({ replace: true });
  }, 250);
});
ui.form.addEventListener("submit", (e) => {
  e.preventDefault();
  clearTimeout(typingTimer);
  state.q = ui.q.value.trim();
  commit();
});
ui.sort.addEventListener("change", () => {
  state.sort = SORTS.has(ui.sort.value) ? ui.sort.value : "RELEVANCE";
  commit();
});
ui.datesForm.addEventListener("submit", (e) => {
  e.preventDefault();
  state.from = DATE_RE.test(ui.from.value) ? ui.from.value : "";
  state.to = DATE_RE.test(ui.to.value) ? ui.to.value : "";
  commit();
});
ui.clear.addEventListener("click", clearFilters);
ui.filtersToggle.addEventListener("click", () => {
  const open = ui.sidebar.classList.toggle("open");
  ui.filtersToggle.setAttribute("aria-expanded", open ? "true" : "false");
});
ui.more.addEventListener("click", loadMore);
ui.similarClose.addEventListener("click", closeSimilar);
ui.pasteForm.addEventListener("submit", (e) => {
  e.preventDefault();
  const text = ui.paste.value.trim();
  if (text) findSimilar(text, { label: text });
});
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && !ui.similar.hidden) closeSimilar();
  if (e.key === "/" && !["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement?.tagName)) {
    e.preventDefault();
    ui.q.focus();
  }
});
window.addEventListener("popstate", () => {
  state = readUrl();
  ui.q.value = state.q;
  syncForm();
  runSearch();
});

syncForm();
runSearch();
