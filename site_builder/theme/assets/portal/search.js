/* The portal's search page (/search/): Pagefind, one index per system, merged in the browser.
 *
 * The page carries the shard names and the index folder (data-shards, data-index);
 * the query and filters live in the address (?q=…&system=…), so a search is a link.
 * Everything is loaded from the site itself: no other host is ever asked.
 */
(function () {
  "use strict";

  var PAGE_SIZE = 10;
  /* Han characters are indexed one by one (see site_builder/search.py): a run of them is
     searched as an exact phrase of characters, other words as they are. */
  var HAN_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}]+/gu;
  var WORD = /[\p{L}\p{N}_]+/gu;
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

  var pagefindPromise = null;
  var current = { results: [], shown: 0, run: 0 };

  function loadPagefind() {
    if (!pagefindPromise) {
      pagefindPromise = (async function () {
        var primary = await import(new URL(shards[0] + "/pagefind.js", indexBase).href);
        await primary.options({ excerptLength: 60, basePath: new URL(shards[0] + "/", indexBase).pathname });
        for (var i = 1; i < shards.length; i++) {
          await primary.mergeIndex(new URL(shards[i] + "/", indexBase).pathname);
        }
        return primary;
      })();
    }
    return pagefindPromise;
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

  /* The Pagefind searches a query stands for: one per Han run (as a phrase) or other word. */
  function queryParts(term) {
    var parts = [];
    var rest = term.replace(HAN_RUN, function (run) {
      var chars = Array.from(run);
      parts.push(chars.length > 1 ? '"' + chars.join(" ") + '"' : run);
      return " ";
    });
    (rest.match(WORD) || []).forEach(function (word) { parts.push(word); });
    parts = parts.filter(function (part, i) { return parts.indexOf(part) === i; });
    return parts.sort(function (a, b) { return b.length - a.length; });
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

  /* The index has a thin space around every Chinese character and punctuation mark (excerpts
     come back with plain spaces): remove spaces next to them, also across <mark> tags. */
  var CJK = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}" +
    "\\u3000-\\u303f\\uff00-\\uffef\\u2018-\\u201f\\u2026\\u2014\\u00b7";
  var CJK_GAP = new RegExp("(?<=[" + CJK + "](?:</?mark>)*)\\s+|\\s+(?=(?:</?mark>)*[" + CJK + "])", "gu");
  function plain(text) {
    return (text || "").replace(/\u2009/g, "").replace(CJK_GAP, "");
  }

  /* Excerpts come from Pagefind with <mark> around the matches: keep text and <mark> only. */
  function excerptNodes(excerpt) {
    var joined = plain(excerpt).replace(/<\/mark><mark>/g, "");
    var parsed = new DOMParser().parseFromString("<p>" + joined + "</p>", "text/html").body;
    var out = document.createDocumentFragment();
    (function copy(node) {
      node.childNodes.forEach(function (child) {
        if (child.nodeType === Node.TEXT_NODE) {
          out.appendChild(document.createTextNode(child.textContent));
        } else if (child.nodeName === "MARK") {
          var mark = document.createElement("mark");
          mark.textContent = child.textContent;
          out.appendChild(mark);
        } else if (child.nodeType === Node.ELEMENT_NODE) {
          copy(child);
        }
      });
    })(parsed);
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
    var link = element("a", "", plain(meta.title) || data.url);
    link.href = data.url;
    title.appendChild(link);
    text.appendChild(title);
    var facts = [meta.unit, meta.date, meta.column].filter(Boolean).map(plain).join(" · ");
    if (facts) text.appendChild(element("p", "portal-item-meta", facts));
    var summary = element("p", "portal-item-summary");
    summary.appendChild(excerptNodes(data.excerpt || ""));
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
      var pagefind = await loadPagefind();
      var found = await combinedSearch(pagefind, term, filters);
      if (run !== current.run) return;
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
