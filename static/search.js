/* Edition search: substring matching over the static index (feature/search.py),
   fetched on first use (one file, or a manifest and its shards for a large edition). Chinese needs no word segmentation this way: every
   phrase and figure (绿水青山, 21.99亿元) finds its paragraph. `norm` must match
   feature/search.py `normalise`: NFKC, no whitespace, lower case. */
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  if (!form) return;
  var input = form.querySelector("input");
  var out = form.querySelector(".search-results");
  var status = form.querySelector(".search-status");
  var root = form.getAttribute("data-root") || "";
  var loading = null;

  function norm(s) { return s.normalize("NFKC").replace(/\s+/g, "").toLowerCase(); }

  /* Normalised text plus, for each of its characters, the index in the raw text:
     NFKC changes lengths (… → ...), and the snippet must mark the raw text. */
  function normMap(raw) {
    var text = "", map = [];
    for (var i = 0; i < raw.length; i++) {
      var ch = raw[i];
      if (ch >= "\ud800" && ch <= "\udbff" && i + 1 < raw.length) ch += raw[i + 1];
      var n = norm(ch);
      for (var k = 0; k < n.length; k++) map.push(i);
      text += n;
      i += ch.length - 1;
    }
    map.push(raw.length);
    return { text: text, map: map };
  }

  function load() {
    if (!loading) {
      var at = new URL(form.getAttribute("data-index"), location.href);
      loading = getJson(at).then(function (data) {
        if (!data.shards) return data;
        /* A large edition: the manifest names its shards; fetch them together
           and search every one, in edition order (ties rank by that order). */
        return Promise.all(data.shards.map(function (name) {
          return getJson(new URL(name, at));
        })).then(function (parts) {
          return { docs: [].concat.apply([], parts.map(function (p) { return p.docs; })) };
        });
      }).then(function (data) {
        data.docs.forEach(function (d) {
          d.head = normMap(d.headline);
          d.blocks.forEach(function (b) { b.n = normMap(b[0]); });
        });
        return data;
      });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  function getJson(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
  }

  function count(hay, term) {
    var n = 0, at = hay.indexOf(term);
    while (at >= 0) { n++; at = hay.indexOf(term, at + term.length); }
    return n;
  }

  /* Every doc holding all terms (headline or text), best first. */
  function search(index, terms) {
    var hits = [];
    index.docs.forEach(function (d, order) {
      var score = 0, best = null, bestScore = 0;
      var all = terms.every(function (t) {
        return d.head.text.indexOf(t) >= 0 || d.blocks.some(function (b) { return b.n.text.indexOf(t) >= 0; });
      });
      if (!all) return;
      terms.forEach(function (t) { score += 5 * count(d.head.text, t); });
      d.blocks.forEach(function (b) {
        var s = 0;
        terms.forEach(function (t) { s += count(b.n.text, t); });
        score += s;
        if (s > bestScore) { best = b; bestScore = s; }
      });
      hits.push({ doc: d, block: best, score: score, order: order });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.order - b.order; });
    return hits;
  }

  /* Where a match at raw offset `at` of block `b` should take the reader. */
  function anchorFor(b, at) {
    var id = b[1];
    (b[2] || []).forEach(function (s) { if (s[0] <= at) id = s[1]; });
    return id;
  }

  function snippet(nm, raw, terms) {
    var el = document.createElement("p");
    el.className = "result-snippet";
    var t = terms.filter(function (x) { return nm.text.indexOf(x) >= 0; })[0];
    if (!t) { el.textContent = raw.slice(0, 60); return { el: el, at: 0 }; }
    var i = nm.text.indexOf(t), start = nm.map[i], end = nm.map[i + t.length];
    var from = Math.max(0, start - 24), to = Math.min(raw.length, end + 36);
    el.appendChild(document.createTextNode((from > 0 ? "…" : "") + raw.slice(from, start)));
    var mark = document.createElement("mark");
    mark.textContent = raw.slice(start, end);
    el.appendChild(mark);
    el.appendChild(document.createTextNode(raw.slice(end, to) + (to < raw.length ? "…" : "")));
    return { el: el, at: start };
  }

  function result(h, terms) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    var d = h.doc, b = h.block;
    var shown = b ? snippet(b.n, b[0], terms) : snippet(d.head, d.headline, terms);
    var anchor = b ? anchorFor(b, shown.at) : "";
    a.href = root + d.url + (anchor ? "#" + anchor : "");
    a.textContent = d.headline;
    a.className = "result-headline";
    var where = document.createElement("span");
    where.className = "result-where";
    where.textContent = d.section + (b && b[1] && d.heads[b[1]] ? " › " + d.heads[b[1]] : "");
    li.appendChild(a);
    li.appendChild(where);
    li.appendChild(shown.el);
    return li;
  }

  function show(query) {
    var terms = query.split(/\s+/).map(norm).filter(Boolean);
    out.textContent = "";
    if (!terms.length) { status.textContent = ""; out.removeAttribute("data-query"); return; }
    return load().then(function (index) {
      if (input.value !== query && query !== pendingUrlQuery) return;   // a newer query is on its way
      var hits = search(index, terms);
      out.textContent = "";
      status.textContent = hits.length ? "找到 " + hits.length + " 篇文章" : "没有找到“" + query.trim() + "”";
      var list = document.createElement("ol");
      hits.slice(0, 20).forEach(function (h) { list.appendChild(result(h, terms)); });
      out.appendChild(list);
      out.setAttribute("data-query", query);    // tests wait for this
    }, function () {
      status.textContent = "搜索暂时无法使用，请稍后再试";
    });
  }

  var timer = null, pendingUrlQuery = null;
  input.addEventListener("focus", function () { load().catch(function () {}); });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { show(input.value); }, 100);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    show(input.value);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && form.contains(document.activeElement)) {
      out.textContent = ""; status.textContent = ""; input.focus();
    }
  });
  document.addEventListener("click", function (e) {
    if (!form.contains(e.target)) { out.textContent = ""; }
  });
  var q = new URLSearchParams(location.search).get("q");
  if (q) { input.value = q; pendingUrlQuery = q; show(q); }
})();
