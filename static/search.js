/* Edition search: substring matching over the static index, loaded on first use.
   Chinese needs no word segmentation this way, so every phrase and figure finds
   its paragraph. Normalisation must match feature/search.py `normalise`. */
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  if (!form) return;
  var input = form.querySelector("input");
  var out = form.querySelector(".search-results");
  var root = form.getAttribute("data-root") || "";
  var index = null, loading = null;

  function norm(s) { return s.normalize("NFKC").replace(/\s+/g, "").toLowerCase(); }

  function load() {
    if (!loading) {
      loading = fetch(form.getAttribute("data-index")).then(function (r) { return r.json(); })
        .then(function (data) {
          data.docs.forEach(function (d) {
            d.norm = d.blocks.map(function (b) { return norm(b[1]); });
            d.normHead = norm(d.headline);
          });
          index = data;
          return data;
        });
    }
    return loading;
  }

  function search(query) {
    var terms = query.split(/\s+/).map(norm).filter(Boolean);
    var hits = [];
    if (!terms.length) return hits;
    index.docs.forEach(function (d) {
      var all = terms.every(function (t) {
        return d.normHead.indexOf(t) >= 0 || d.norm.some(function (b) { return b.indexOf(t) >= 0; });
      });
      if (!all) return;
      var first = -1;
      d.norm.forEach(function (b, i) { if (first < 0 && b.indexOf(terms[0]) >= 0) first = i; });
      var count = d.norm.filter(function (b) { return terms.some(function (t) { return b.indexOf(t) >= 0; }); }).length;
      hits.push({ doc: d, block: first, count: count });
    });
    hits.sort(function (a, b) { return b.count - a.count; });
    return hits;
  }

  function snippet(text, term) {
    var plain = text, at = norm(plain).indexOf(norm(term));
    var el = document.createElement("span");
    if (at < 0) { el.textContent = plain.slice(0, 60); return el; }
    // Whitespace is dropped by norm(); the index text has none inside paragraphs.
    var start = Math.max(0, at - 20);
    el.appendChild(document.createTextNode((start > 0 ? "…" : "") + plain.slice(start, at)));
    var mark = document.createElement("mark");
    mark.textContent = plain.slice(at, at + term.length);
    el.appendChild(mark);
    el.appendChild(document.createTextNode(plain.slice(at + term.length, at + term.length + 40) + "…"));
    return el;
  }

  function show(query) {
    out.textContent = "";
    if (!norm(query)) return;
    var hits = search(query);
    var summary = document.createElement("p");
    summary.textContent = hits.length ? "找到 " + hits.length + " 篇文章" : "没有找到“" + query + "”";
    out.appendChild(summary);
    var list = document.createElement("ol");
    hits.slice(0, 20).forEach(function (h) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      var block = h.block >= 0 ? h.doc.blocks[h.block] : null;
      a.href = root + h.doc.url + (block && block[0] ? "#" + block[0] : "");
      a.textContent = h.doc.headline;
      li.appendChild(a);
      li.appendChild(document.createTextNode(" · " + h.doc.section));
      if (block) { li.appendChild(document.createElement("br")); li.appendChild(snippet(block[1], query.split(/\s+/)[0])); }
      list.appendChild(li);
    });
    out.appendChild(list);
  }

  var timer = null;
  input.addEventListener("focus", load);
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { load().then(function () { show(input.value); }); }, 120);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    load().then(function () { show(input.value); });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { out.textContent = ""; }
  });
  var q = new URLSearchParams(location.search).get("q");
  if (q) { input.value = q; load().then(function () { show(q); }); }
})();
