// The newsstance page: send an article to /v1/analyze and read it back shaded by label, or show a result
// embedded in a self-contained report (window.NEWSSTANCE_REPORT, written by `newsstance predict --format html`).
// No framework and no network beyond this server: every asset is served by the package.
"use strict";

const LABELS = ["claim", "denial", "attribution"];
const NAMES = { claim: "claim (the outlet asserts it)", attribution: "attribution (a source is reported)",
                denial: "denial (a proposition is rejected)", skip: "skip (page furniture)" };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function speakerOf(result) {
  const byIndex = {};
  for (const s of result.sources || []) for (const x of s.sentences) byIndex[x.index] = { name: s.name, how: x.how };
  return byIndex;
}

// The sentence's text with its source and cue underlined (offsets index the analysed text).
function sentenceBody(row) {
  const marks = [];
  for (const kind of ["source", "cue"]) {
    const span = row[kind];
    if (span) marks.push({ kind, start: span.start - row.start, end: span.end - row.start });
  }
  marks.sort((a, b) => a.start - b.start);
  const parts = [];
  let at = 0;
  for (const m of marks) {
    if (m.start < at) continue; // overlapping spans: keep the first
    parts.push(row.text.slice(at, m.start));
    parts.push(el("span", { class: m.kind, title: m.kind }, row.text.slice(m.start, m.end)));
    at = m.end;
  }
  parts.push(row.text.slice(at));
  return parts;
}

function tipText(row, speaker) {
  const scores = LABELS.map((l) => `${l} ${row.scores[l].toFixed(2)}`).join(" · ");
  const lines = [`${row.label}`, scores];
  if (row.skip_score !== null && row.skip_score !== undefined) lines.push(`page furniture ${row.skip_score.toFixed(2)}`);
  if (speaker) lines.push(`said by: ${speaker.name}${speaker.how === "named" ? "" : ` (${speaker.how})`}`);
  if (row.cue) lines.push(`cue: ${row.cue.text}`);
  return lines;
}

function showTip(target, lines) {
  let tip = document.getElementById("tip");
  if (!tip) { tip = el("div", { id: "tip", role: "tooltip" }); document.body.append(tip); }
  tip.replaceChildren(...lines.map((l, i) => el(i === 0 ? "strong" : "div", {}, l)));
  const box = target.getBoundingClientRect();
  tip.style.left = `${Math.max(4, window.scrollX + box.left)}px`;
  tip.style.top = `${window.scrollY + box.bottom + 6}px`;
  tip.hidden = false;
  target.setAttribute("aria-describedby", "tip");
}

function hideTip() { const tip = document.getElementById("tip"); if (tip) tip.hidden = true; }

function renderArticle(result) {
  const speakers = speakerOf(result);
  const doc = el("article", { class: "doc", "aria-label": "The article, sentence by sentence" });
  let para = el("p");
  let previousEnd = 0;
  result.sentences.forEach((row, i) => {
    const gap = result.text.slice(previousEnd, row.start);
    if (i > 0 && gap.includes("\n\n")) { doc.append(para); para = el("p"); }
    const speaker = speakers[i];
    const node = el("span", { class: `sentence ${row.label}`, tabindex: "0", id: `s${i}`,
                              dataset: { label: row.label, index: String(i) },
                              "aria-label": `${row.label}: ${row.text}` }, ...sentenceBody(row));
    const lines = tipText(row, speaker);
    node.addEventListener("mouseenter", () => showTip(node, lines));
    node.addEventListener("focus", () => showTip(node, lines));
    node.addEventListener("mouseleave", hideTip);
    node.addEventListener("blur", hideTip);
    para.append(node, " ");
    previousEnd = row.end;
  });
  doc.append(para);
  return doc;
}

function jumpTo(index) {
  const node = document.getElementById(`s${index}`);
  if (!node) return;
  if (node.hidden) { document.getElementById("filter").value = "all"; applyFilter("all"); }
  node.scrollIntoView({ block: "center" });
  node.focus();
  node.classList.add("flash");
  setTimeout(() => node.classList.remove("flash"), 1200);
}

function renderSources(result) {
  const aside = el("aside", { class: "sources", "aria-label": "Who said what" }, el("h2", {}, "Who said what"));
  const sources = result.sources || [];
  if (!sources.length) { aside.append(el("p", {}, "No source is reported in this article.")); return aside; }
  const list = el("ul");
  for (const s of sources) {
    const counts = [];
    if (s.attribution.length) counts.push(`${s.attribution.length} reported`);
    if (s.denial.length) counts.push(`${s.denial.length} denied`);
    const items = el("ul");
    for (const x of s.sentences) {
      const row = result.sentences[x.index];
      const verb = x.label === "denial" ? "denied" : "said";
      const short = row.text.length > 90 ? `${row.text.slice(0, 87)}…` : row.text;
      items.append(el("li", {}, el("button", { class: "jump", type: "button", onclick: () => jumpTo(x.index) },
                                    `${verb}: ${short}`)));
    }
    list.append(el("li", { class: "source", dataset: { name: s.name } }, el("div", { class: "name" }, s.name),
                   el("div", { class: "counts" }, counts.join(", ")), items));
  }
  aside.append(list);
  return aside;
}

function applyFilter(value) {
  for (const node of document.querySelectorAll(".sentence")) node.hidden = value !== "all" && node.dataset.label !== value;
}

function csvCell(value) {
  const s = value === null || value === undefined ? "" : String(value);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function toCsv(result) {
  const speakers = speakerOf(result);
  const header = ["index", "start", "end", "label", "p_claim", "p_denial", "p_attribution", "skip_score", "source",
                  "cue", "speaker", "text"];
  const rows = result.sentences.map((r, i) => [i, r.start, r.end, r.label, r.scores.claim, r.scores.denial,
    r.scores.attribution, r.skip_score, r.source && r.source.text, r.cue && r.cue.text,
    speakers[i] && speakers[i].name, r.text]);
  return [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\n") + "\n";
}

function download(name, type, content) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function render(result) {
  const box = document.getElementById("result");
  const filter = el("select", { id: "filter", "aria-label": "Show sentences" },
    ...["all", "denial", "attribution", "claim", "skip"].map((v) => el("option", { value: v }, v === "all" ? "all sentences" : `only ${v}`)));
  filter.addEventListener("change", () => applyFilter(filter.value));
  const legend = el("ul", { class: "legend", "aria-label": "Legend" },
    ...["claim", "attribution", "denial", "skip"].map((l) => el("li", { class: l }, NAMES[l])));
  const counts = {};
  for (const r of result.sentences) counts[r.label] = (counts[r.label] || 0) + 1;
  const summary = Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(", ");
  const toolbar = el("div", { class: "toolbar" }, el("label", { for: "filter" }, "Show "), filter, legend,
    el("button", { type: "button", id: "download-json", onclick: () => download("newsstance.json", "application/json", JSON.stringify(result, null, 2)) }, "Download JSON"),
    el("button", { type: "button", id: "download-csv", onclick: () => download("newsstance.csv", "text/csv", toCsv(result)) }, "Download CSV"));
  box.replaceChildren(el("p", { class: "summary" }, `${result.sentences.length} sentences: ${summary}.`
    + (result.offsets_into === "extracted_text" ? " (HTML reduced to its text.)" : "")), toolbar,
    el("div", { class: "layout" }, renderArticle(result), renderSources(result)));
  box.hidden = false;
}

async function analyze() {
  const status = document.getElementById("status");
  const text = document.getElementById("article").value;
  if (!text.trim()) { status.textContent = "Paste an article first."; return; }
  status.textContent = "Analysing…";
  try {
    const response = await fetch("/v1/analyze", { method: "POST", headers: { "Content-Type": "application/json" },
                                                  body: JSON.stringify({ text }) });
    const body = await response.json();
    if (!response.ok) { status.textContent = `Error ${response.status}: ${body.error || "request failed"}`; return; }
    render(body);
    status.textContent = `Done: ${body.sentences.length} sentences.`;
  } catch (e) {
    status.textContent = `The service could not be reached (${e.message}).`;
  }
}

function readFile(file) {
  const reader = new FileReader();
  reader.onload = () => { document.getElementById("article").value = reader.result; analyze(); };
  reader.readAsText(file);
}

function setUp() {
  if (window.NEWSSTANCE_REPORT) {
    document.getElementById("input").hidden = true;
    render(window.NEWSSTANCE_REPORT);
    return;
  }
  const area = document.getElementById("article");
  document.getElementById("analyze").addEventListener("click", analyze);
  document.getElementById("file").addEventListener("change", (e) => { if (e.target.files[0]) readFile(e.target.files[0]); });
  area.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) analyze(); });
  area.addEventListener("dragover", (e) => { e.preventDefault(); area.classList.add("dragging"); });
  area.addEventListener("dragleave", () => area.classList.remove("dragging"));
  area.addEventListener("drop", (e) => {
    e.preventDefault();
    area.classList.remove("dragging");
    if (e.dataTransfer.files[0]) readFile(e.dataTransfer.files[0]);
  });
}

document.addEventListener("DOMContentLoaded", setUp);
