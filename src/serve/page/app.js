// newsdex's page: the whole state lives in the URL (shareable, back button
// works); every piece of article text is set as text, never as markup.
"use strict";

const PAGE_SIZE = 20;
const MAX_WINDOW = 1000;
const LISTS = ["actor", "event", "mention", "dyad", "source", "story"];
const FACETS = [
  ["actor", "Actors"],
  ["event", "Events"],
  ["dyad", "Who did what to whom"],
  ["mention", "Mentioned"],
  ["source", "Sources"],
];

const $ = (id) => document.getElementById(id);
let current = -1;
let lastResults = null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// The state as the URL holds it.
function readState() {
  const params = new URLSearchParams(location.search);
  const state = {
    q: params.get("q") || "",
    any: params.get("any") === "true",
    collapse: params.get("collapse") === "true",
    sort: params.get("sort") === "date" ? "date" : "relevance",
    page: Math.max(1, parseInt(params.get("page") || "1", 10) || 1),
    from: params.get("from") || "",
    to: params.get("to") || "",
    article: params.get("article") || "",
  };
  for (const list of LISTS) {
    state[list] = params.getAll(list);
    state["not-" + list] = params.getAll("not-" + list);
  }
  return state;
}

function stateParams(state, withPage = true) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  if (state.any) params.set("any", "true");
  if (state.collapse) params.set("collapse", "true");
  if (state.sort === "date") params.set("sort", "date");
  if (state.from) params.set("from", state.from);
  if (state.to) params.set("to", state.to);
  for (const list of LISTS) {
    for (const value of state[list]) params.append(list, value);
    for (const value of state["not-" + list]) params.append("not-" + list, value);
  }
  if (withPage && state.page > 1) params.set("page", String(state.page));
  if (withPage && state.article) params.set("article", state.article);
  return params;
}

function go(state) {
  const query = stateParams(state).toString();
  history.pushState(null, "", query ? "?" + query : location.pathname);
  render();
}

function change(update) {
  const state = readState();
  update(state);
  state.article = "";
  go(state);
}

// The API's parameters for the state: the page becomes limit and offset.
function apiParams(state) {
  const params = stateParams(state, false);
  if (state.q === "") params.set("q", "*");
  return params;
}

async function api(path, params) {
  const response = await fetch(path + (params ? "?" + params.toString() : ""));
  const body = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

// Snippet highlights are byte ranges of the UTF-8 text.
function highlighted(snippet) {
  const bytes = new TextEncoder().encode(snippet.text);
  const decode = (from, to) => new TextDecoder().decode(bytes.slice(from, to));
  const out = document.createDocumentFragment();
  let last = 0;
  for (const [start, end] of snippet.highlights || []) {
    if (start < last || end > bytes.length) continue;
    out.append(decode(last, start), el("mark", {}, decode(start, end)));
    last = end;
  }
  out.append(decode(last, bytes.length));
  return out;
}

function label(labels, path) {
  return (labels && labels[path]) || path;
}

function renderFilters(state, labels) {
  const box = $("active");
  box.replaceChildren();
  const chip = (text, negative, remove) =>
    el("span", { class: negative ? "chip not" : "chip" }, text,
      el("button", { type: "button", "aria-label": "Remove " + text, title: "Remove", onclick: remove }, "×"));
  for (const list of LISTS) {
    for (const negative of [false, true]) {
      const key = negative ? "not-" + list : list;
      for (const value of state[key]) {
        const text = (negative ? "not " : "") + list + ": " + label(labels, value);
        box.append(chip(text, negative, () => change((s) => { s[key] = s[key].filter((v) => v !== value); s.page = 1; })));
      }
    }
  }
  if (state.from || state.to) {
    box.append(chip("dates: " + (state.from || "…") + " – " + (state.to || "…"), false,
      () => change((s) => { s.from = ""; s.to = ""; s.page = 1; })));
  }
}

function renderFacets(results, state) {
  const aside = $("facets");
  aside.replaceChildren();
  const lists = {
    actor: results.facets.actor,
    event: results.facets.event,
    dyad: results.facets.dyad,
    mention: results.facets.mention,
    source: results.facets.source || [],
  };
  for (const [key, title] of FACETS) {
    const counts = lists[key] || [];
    if (!counts.length) continue;
    const list = el("ul");
    for (const count of counts) {
      const name = label(results.labels, count.path);
      list.append(el("li", {},
        el("button", { type: "button", class: "name", title: "Only " + name,
          onclick: () => change((s) => { if (!s[key].includes(count.path)) s[key].push(count.path); s.page = 1; }) }, name),
        el("span", { class: "count" }, count.count.toLocaleString()),
        el("button", { type: "button", class: "exclude", title: "Leave out " + name, "aria-label": "Leave out " + name,
          onclick: () => change((s) => { if (!s["not-" + key].includes(count.path)) s["not-" + key].push(count.path); s.page = 1; }) }, "−")));
    }
    aside.append(el("h2", {}, title + (results.counted === "stories" ? " (stories)" : "")), list);
  }
}

function renderHits(results, state) {
  const list = $("hits");
  list.replaceChildren();
  current = -1;
  for (const hit of results.hits) {
    const open = (event) => { event.preventDefault(); change((s) => { s.article = hit.id; }); openArticle(hit.id); };
    const tags = el("div", { class: "tags" });
    for (const path of [...hit.actors.filter((a) => a.split("/").length <= 3), ...hit.events.filter((e) => e.split("/").length <= 2)].slice(0, 10)) {
      tags.append(el("span", { class: "tag" }, label(results.labels, path)));
    }
    const item = el("li", { class: "hit", tabindex: "-1", "data-id": hit.id },
      el("h3", {}, el("a", { href: "?article=" + encodeURIComponent(hit.id), onclick: open }, hit.title || "(untitled)")),
      el("div", { class: "meta" }, [hit.date ? hit.date.slice(0, 10) : "undated", hit.source || "", "id " + hit.id].filter(Boolean).join(" · ")),
      el("p", { class: "snippet" }, highlighted(hit.snippet)),
      tags);
    if (hit.story && hit.story.reports > 1) {
      item.append(el("div", { class: "story" },
        hit.story.reports + " reports from " + hit.story.outlets + (hit.story.outlets === 1 ? " outlet " : " outlets "),
        el("a", { href: "#", onclick: (event) => { event.preventDefault(); change((s) => { s.story = [hit.story.id]; s.collapse = false; s.page = 1; }); } }, "show all")));
    }
    if (hit.evidence && hit.evidence.length) {
      const evidence = el("ul");
      for (const e of hit.evidence) evidence.append(el("li", {}, el("strong", {}, label(results.labels, e.dyad)), " — ", e.sentence));
      item.append(el("details", { class: "evidence" }, el("summary", {}, "who did what to whom (" + hit.evidence.length + ")"), evidence));
    }
    list.append(item);
  }
}

function renderPager(results, state) {
  const pager = $("pager");
  pager.replaceChildren();
  const total = state.collapse && results.stories !== undefined ? results.stories : results.total;
  const pages = Math.max(1, Math.ceil(Math.min(total, MAX_WINDOW) / PAGE_SIZE));
  const to = (page) => () => change((s) => { s.page = page; });
  if (state.page > 1) pager.append(el("button", { type: "button", id: "prev", onclick: to(state.page - 1) }, "← Previous"));
  pager.append(el("span", { class: "meta" }, "page " + state.page + " of " + pages));
  if (state.page < pages) pager.append(el("button", { type: "button", id: "next", onclick: to(state.page + 1) }, "Next →"));
}

// The timeline: bars per period; dragging across them sets from and to.
function renderTimeline(timeline, state) {
  const box = $("timeline");
  box.replaceChildren();
  const periods = timeline.periods || [];
  if (periods.length < 2) return;
  const max = Math.max(1, ...periods.map((p) => p.counts[0]));
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 " + periods.length + " 100");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "Articles per " + timeline.by);
  periods.forEach((period, i) => {
    const bar = document.createElementNS(ns, "rect");
    const height = (period.counts[0] / max) * 100;
    bar.setAttribute("x", i + 0.1);
    bar.setAttribute("width", 0.8);
    bar.setAttribute("y", 100 - height);
    bar.setAttribute("height", Math.max(height, period.counts[0] ? 1 : 0));
    bar.setAttribute("class", "bar");
    const title = document.createElementNS(ns, "title");
    title.textContent = period.label + ": " + period.counts[0];
    bar.append(title);
    svg.append(bar);
  });
  const brush = document.createElementNS(ns, "rect");
  brush.setAttribute("class", "brush");
  brush.setAttribute("y", 0);
  brush.setAttribute("height", 100);
  brush.setAttribute("width", 0);
  svg.append(brush);
  const at = (event) => {
    const box = svg.getBoundingClientRect();
    return Math.min(periods.length - 1, Math.max(0, Math.floor(((event.clientX - box.left) / box.width) * periods.length)));
  };
  let start = null;
  svg.addEventListener("pointerdown", (event) => { start = at(event); svg.setPointerCapture(event.pointerId); });
  svg.addEventListener("pointermove", (event) => {
    if (start === null) return;
    const end = at(event);
    brush.setAttribute("x", Math.min(start, end));
    brush.setAttribute("width", Math.abs(end - start) + 1);
  });
  svg.addEventListener("pointerup", (event) => {
    if (start === null) return;
    const end = at(event);
    const [a, b] = [Math.min(start, end), Math.max(start, end)];
    start = null;
    const last = periods[b + 1] ? new Date(Date.parse(periods[b + 1].start) - 86400000) : null;
    change((s) => {
      s.from = periods[a].start.slice(0, 10);
      s.to = last ? last.toISOString().slice(0, 10) : "";
      s.page = 1;
    });
  });
  box.append(svg, el("div", { class: "axis" }, el("span", {}, periods[0].label), el("span", {}, "by " + timeline.by + " · drag to zoom"), el("span", {}, periods[periods.length - 1].label)));
}

async function openArticle(id) {
  const view = $("article");
  $("results").hidden = true;
  $("facets").hidden = true;
  view.hidden = false;
  view.replaceChildren(el("p", { class: "meta" }, "Loading…"));
  try {
    const article = await api("/api/articles/" + encodeURIComponent(id));
    const facts = el("div", { class: "tags" });
    for (const path of [...article.actors, ...article.events, ...article.dyads]) facts.append(el("span", { class: "tag" }, label(article.labels, path)));
    const evidence = el("ul");
    for (const e of article.evidence || []) evidence.append(el("li", {}, el("strong", {}, label(article.labels, e.dyad)), " — ", e.sentence));
    view.replaceChildren(...[
      el("p", {}, el("a", { href: "#", id: "back", onclick: (event) => { event.preventDefault(); history.back(); } }, "← Back to results")),
      el("h1", {}, article.title || "(untitled)"),
      el("p", { class: "meta" }, [article.date ? article.date.slice(0, 10) : "undated", article.source || "", "id " + article.id].filter(Boolean).join(" · ")),
      article.url && /^https?:\/\//.test(article.url) ? el("p", {}, el("a", { href: article.url, rel: "noopener noreferrer", target: "_blank" }, article.url)) : null,
      facts,
      article.evidence && article.evidence.length ? el("details", { class: "evidence", open: "" }, el("summary", {}, "who did what to whom"), evidence) : null,
      article.story && article.story.reports_in_index > 1 ? el("p", { class: "story" }, "One of " + article.story.reports_in_index + " reports of story " + article.story.id) : null,
      el("div", { class: "body" }, article.body),
    ].filter(Boolean));
    document.title = (article.title || article.id) + " · newsdex";
  } catch (error) {
    view.replaceChildren(el("p", { class: "error" }, error.message));
  }
}

async function render() {
  const state = readState();
  $("q").value = state.q;
  $("any").checked = state.any;
  $("collapse").checked = state.collapse;
  $("sort").value = state.sort;
  if (state.article) return openArticle(state.article);
  $("article").hidden = true;
  $("results").hidden = false;
  $("facets").hidden = false;
  document.title = (state.q ? state.q + " · " : "") + "newsdex";
  const params = apiParams(state);
  params.set("limit", String(PAGE_SIZE));
  params.set("offset", String((state.page - 1) * PAGE_SIZE));
  params.set("evidence", "true");
  params.set("facet-limit", "12");
  $("summary").textContent = "Searching…";
  try {
    const [results, timeline] = await Promise.all([
      api("/api/search", params),
      api("/api/timeline", apiParams(state)).catch(() => ({ periods: [] })),
    ]);
    lastResults = results;
    renderFilters(state, results.labels);
    renderFacets(results, state);
    renderHits(results, state);
    renderPager(results, state);
    renderTimeline(timeline, state);
    const what = state.collapse && results.stories !== undefined
      ? results.stories.toLocaleString() + " stories (" + results.total.toLocaleString() + " articles)"
      : results.total.toLocaleString() + " articles";
    $("summary").textContent = what + " · " + results.took_ms + " ms" + (results.query_note ? " · " + results.query_note : "");
  } catch (error) {
    $("summary").replaceChildren(el("span", { class: "error" }, error.message));
    $("hits").replaceChildren();
    $("pager").replaceChildren();
  }
}

function move(step) {
  const hits = [...document.querySelectorAll("li.hit")];
  if (!hits.length) return;
  current = Math.min(hits.length - 1, Math.max(0, current + step));
  hits.forEach((hit, i) => hit.classList.toggle("current", i === current));
  hits[current].focus();
}

document.addEventListener("DOMContentLoaded", () => {
  $("search").addEventListener("submit", (event) => {
    event.preventDefault();
    change((s) => {
      s.q = $("q").value.trim();
      s.any = $("any").checked;
      s.collapse = $("collapse").checked;
      s.sort = $("sort").value;
      s.page = 1;
    });
  });
  for (const id of ["any", "collapse", "sort"]) $(id).addEventListener("change", () => $("search").requestSubmit());
  document.addEventListener("keydown", (event) => {
    const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement;
    if (event.key === "Escape" && readState().article) { history.back(); return; }
    if (typing) return;
    if (event.key === "/") { event.preventDefault(); $("q").focus(); $("q").select(); }
    else if (event.key === "j") move(1);
    else if (event.key === "k") move(-1);
    else if (event.key === "Enter" && current >= 0) document.querySelectorAll("li.hit h3 a")[current].click();
    else if (event.key === "n") { const next = $("next"); if (next) next.click(); }
    else if (event.key === "p") { const prev = $("prev"); if (prev) prev.click(); }
  });
  window.addEventListener("popstate", render);
  api("/api/stats").then((stats) => { $("status").textContent = stats.articles.toLocaleString() + " articles indexed"; }).catch(() => {});
  render();
});
