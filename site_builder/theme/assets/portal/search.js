/* The portal's search page (/search/): Pagefind, one index per system, merged in the browser.
 *
 * The page carries the shard names, the shard of each system and the index folder
 * (data-shards, data-shard-systems, data-index); a search filtered by 系统 loads that
 * system's shards only (one, or a few for a very big system), the others are merged when a
 * search needs them;
 * the query and filters live in the address (?q=…&system=…), so a search is a link.
 * Everything is loaded from the site itself: no other host is ever asked.
 */
(function () {
  "use strict";

  var PAGE_SIZE = 10;
  /* Chinese is indexed as overlapping character pairs (see site_builder/search/records.py): a run of
     Han characters is searched as the exact phrase of its pairs (乡村振兴 → "乡村 村振 振兴"),
     a single character as an exact word, other words as they are. */
  var HAN_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}]+/gu;
  var WORD = /[\p{L}\p{N}_]+/gu;
  var ALL_HAN = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}]+$/u;
  var root = document.querySelector("[data-portal-search]");
  if (!root) return;

  var form = root.querySelector(".portal-search-form");
  var input = root.querySelector(".portal-search-input");
  var status = root.querySelector(".portal-search-status");
  var list = root.querySelector(".portal-search-results");
  var more = root.querySelector(".portal-search-more");
  var selects = Array.prototype.slice.call(root.querySelectorAll("select[data-filter]"));
  var siteRoot = new URL(root.getAttribute("data-root"), location.href);
  var indexBase = new URL(root.getAttribute("data-index"), location.href);
  var shards = (root.getAttribute("data-shards") || "").split(" ").filter(Boolean);
  var shardsOfSystem = JSON.parse(root.getAttribute("data-shard-systems") || "{}");

  var primaryPromise = null;
  var loaded = {};  /* shard name → promise of its being searchable */
  var current = { results: [], shown: 0, run: 0, needles: [] };

  function shardPath(name) { return new URL(name + "/", indexBase).pathname; }

  /* The shards a search needs: the chosen system's only, or all. */
  function neededShards(filters) {
    return shardsOfSystem[filters["系统"]] || shards;
  }

  /* Pagefind with (at least) the needed shards: the first one loaded is the primary index,
     the others are merged into it (they share its script and WebAssembly). */
  async function loadPagefind(needed) {
    if (!primaryPromise) {
      var first = needed[0];
      primaryPromise = (async function () {
        var primary = await import(new URL(first + "/pagefind.js", indexBase).href);
        await primary.options({ excerptLength: 0, basePath: shardPath(first) });
        /* Pagefind takes its query language from <html lang> when it starts (synchronously in
           init) and would cut a Chinese query into dictionary words (茶青 → 茶 青), which are not
           the index's character pairs: it starts under the index's language ("unknown"). */
        var html = document.documentElement;
        var lang = html.getAttribute("lang");
        html.setAttribute("lang", "unknown");
        var started;
        try { started = primary.init(); } finally { html.setAttribute("lang", lang); }
        await started;
        return primary;
      })();
      loaded[first] = primaryPromise;
    }
    var pagefind = await primaryPromise;
    await Promise.all(needed.map(function (name) {
      if (!loaded[name]) loaded[name] = pagefind.mergeIndex(shardPath(name), { language: "unknown" });
      return loaded[name];
    }));
    return pagefind;
  }

  function readAddress() {
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    selects.forEach(function (select) {
      var wanted = params.get(select.name) || "";
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === wanted; });
      select.value = known ? wanted : "";
    });
    var header = document.querySelector("[data-portal-header-search] input[name=q]");
    if (header) header.value = input.value;
  }

  function writeAddress() {
    var params = new URLSearchParams();
    if (input.value.trim()) params.set("q", input.value.trim());
    selects.forEach(function (select) { if (select.value) params.set(select.name, select.value); });
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  function chosenFilters() {
    var filters = {};
    selects.forEach(function (select) {
      if (select.value) filters[select.getAttribute("data-filter")] = select.value;
    });
    return filters;
  }

  /* What a query looks for in the text: its Han runs and its other words. */
  function needles(term) {
    var found = [];
    var rest = term.replace(HAN_RUN, function (run) { found.push(run); return " "; });
    (rest.match(WORD) || []).forEach(function (word) { found.push(word.toLowerCase()); });
    return found.filter(function (n, i) { return found.indexOf(n) === i; });
  }

  /* The Pagefind search of one needle: a Han run as the exact phrase of its character pairs. */
  function pagefindQuery(needle) {
    var chars = Array.from(needle);
    if (!ALL_HAN.test(needle)) return needle;
    if (chars.length === 1) return '"' + needle + '"';
    var pairs = [];
    for (var i = 0; i + 1 < chars.length; i++) pairs.push(chars[i] + chars[i + 1]);
    return '"' + pairs.join(" ") + '"';
  }

  function queryParts(term) {
    return needles(term).sort(function (a, b) { return b.length - a.length; }).map(pagefindQuery);
  }

  /* Pages found by every part, best total score first; filter counts only for one part. */
  async function combinedSearch(pagefind, term, filters) {
    var parts = queryParts(term);
    if (!parts.length) return pagefind.search(null, { filters: filters });
    var searches = await Promise.all(parts.map(function (part) {
      return pagefind.search(part, { filters: filters });
    }));
    if (searches.length === 1) return searches[0];
    var common = new Map(searches[0].results.map(function (r) { return [r.id, { result: r, score: r.score }]; }));
    searches.slice(1).forEach(function (found) {
      var next = new Map();
      found.results.forEach(function (r) {
        var seen = common.get(r.id);
        if (seen) next.set(r.id, { result: seen.result, score: seen.score + r.score });
      });
      common = next;
    });
    var results = Array.from(common.values())
      .sort(function (a, b) { return b.score - a.score; })
      .map(function (entry) { return entry.result; });
    return { results: results, filters: null };
  }

  var EXCERPT_BEFORE = 24;
  var EXCERPT_LENGTH = 90;

  /* The excerpt of a result, made from its text (the index holds character pairs, so
     Pagefind's own excerpt is not readable): the text around the first match, every match
     in it marked. Built from text nodes only, so no markup of the text can take effect. */
  function excerptNodes(content, wanted) {
    var text = (content || "").replace(/\s+/g, " ").trim();
    var lower = text.toLowerCase();
    var first = -1;
    wanted.forEach(function (n) {
      var at = lower.indexOf(n);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    });
    var start = first > EXCERPT_BEFORE ? first - EXCERPT_BEFORE : 0;
    var end = Math.min(text.length, start + EXCERPT_LENGTH);
    var out = document.createDocumentFragment();
    if (start > 0) out.appendChild(document.createTextNode("…"));
    var at = start;
    while (at < end) {
      var next = -1, size = 0;
      wanted.forEach(function (n) {
        var found = lower.indexOf(n, at);
        if (found >= 0 && found < end && (next < 0 || found < next || (found === next && n.length > size))) {
          next = found;
          size = n.length;
        }
      });
      if (next < 0) {
        out.appendChild(document.createTextNode(text.slice(at, end)));
        break;
      }
      if (next > at) out.appendChild(document.createTextNode(text.slice(at, next)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(next, next + size);
      out.appendChild(mark);
      at = next + size;
    }
    if (end < text.length) out.appendChild(document.createTextNode("…"));
    return out;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function resultItem(data) {
    var meta = data.meta || {};
    var item = element("li", "portal-search-result");
    var text = element("div", "portal-item-text");
    var title = element("p", "portal-item-title");
    var link = element("a", "", meta.title || data.url);
    link.href = data.url;
    title.appendChild(link);
    text.appendChild(title);
    var facts = [meta.unit, meta.date, meta.column].filter(Boolean).join(" · ");
    if (facts) text.appendChild(element("p", "portal-item-meta", facts));
    var summary = element("p", "portal-item-summary");
    summary.appendChild(excerptNodes(data.content, current.needles));
    text.appendChild(summary);
    if (meta.image) {
      var image = element("img", "portal-thumb");
      image.loading = "lazy";
      image.alt = "";
      image.src = new URL(meta.image, siteRoot).href;
      item.appendChild(image);
    }
    item.appendChild(text);
    return item;
  }

  async function showMore(run) {
    var batch = current.results.slice(current.shown, current.shown + PAGE_SIZE);
    var datas = await Promise.all(batch.map(function (r) { return r.data(); }));
    if (run !== current.run) return;
    datas.forEach(function (data) { list.appendChild(resultItem(data)); });
    if (!current.shown && window.performance && performance.mark) performance.mark("portal-search-results");
    current.shown += batch.length;
    more.hidden = current.shown >= current.results.length;
  }

  function showCounts(counts) {
    selects.forEach(function (select) {
      if (!counts || !Object.keys(counts).length) {
        Array.prototype.forEach.call(select.options, function (o) { if (o.value) o.textContent = o.value; });
        return;
      }
      var byValue = (counts && counts[select.getAttribute("data-filter")]) || {};
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) return;
        var n = byValue[option.value] || 0;
        option.textContent = option.value + "（" + n + "）";
      });
    });
  }

  async function search() {
    var run = ++current.run;
    var term = input.value.trim();
    var filters = chosenFilters();
    writeAddress();
    list.textContent = "";
    more.hidden = true;
    if (!term && !Object.keys(filters).length) {
      status.textContent = "请输入要查找的词语。";
      return;
    }
    if (!shards.length) {
      status.textContent = "本站还没有可以搜索的内容。";
      return;
    }
    status.textContent = "正在搜索…";
    try {
      var pagefind = await loadPagefind(neededShards(filters));
      var found = await combinedSearch(pagefind, term, filters);
      if (run !== current.run) return;
      current.needles = needles(term);
      current.results = found.results;
      current.shown = 0;
      showCounts(found.filters);
      await showMore(run);
      if (run !== current.run) return;
      /* Set last: "找到 …" means the first results are on the page. */
      status.textContent = found.results.length
        ? "找到 " + found.results.length + " 篇" + (term ? "包含“" + term + "”的" : "") + "文章或页面。"
        : "没有找到" + (term ? "包含“" + term + "”的" : "") + "内容，请换个词语或放宽筛选条件。";
    } catch (error) {
      status.textContent = "搜索暂时无法使用（" + error.message + "），请稍后再试。";
    }
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); search(); });
  selects.forEach(function (select) { select.addEventListener("change", search); });
  more.addEventListener("click", function () { showMore(current.run); });

  var header = document.querySelector("[data-portal-header-search]");
  if (header) {
    header.addEventListener("submit", function (event) {
      event.preventDefault();
      input.value = header.querySelector("input[name=q]").value;
      search();
    });
  }

  readAddress();
  if (input.value.trim() || Object.keys(chosenFilters()).length) search();
  else status.textContent = "请输入要查找的词语。";
})();
