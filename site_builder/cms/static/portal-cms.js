/* 网页投稿: find a unit among thousands and open its editor (no request to any other host). */
(function () {
  "use strict";
  // `portal serve` adds MkDocs' live-reload script to every page; a save in the editor
  // rebuilds the preview, and reloading the editor then would lose what is being typed.
  // The script's `var livereload = function…` cannot overwrite a read-only global.
  Object.defineProperty(window, "livereload", { value: function () {}, writable: false });
  var units = JSON.parse(document.getElementById("portal-units").textContent);

  function matches(unit, words) {
    var text = (unit.name + " " + unit.system + " " + unit.key + " " + unit.level).toLowerCase();
    return words.every(function (word) { return text.indexOf(word) !== -1; });
  }

  function link(text, href) {
    var a = document.createElement("a");
    a.textContent = text;
    a.href = href;
    return a;
  }

  function show(list, query) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) { return; }
    var found = units.filter(function (unit) { return matches(unit, words); }).slice(0, 30);
    if (!found.length) {
      var none = document.createElement("li");
      none.textContent = "没有找到单位，请换个关键词";
      list.appendChild(none);
    }
    found.forEach(function (unit) {
      var item = document.createElement("li");
      var name = document.createElement("span");
      name.textContent = unit.name + "（" + unit.system + "·" + unit.level + "）";
      item.appendChild(name);
      item.appendChild(link("写稿", "#/collections/" + unit.collection + "/new"));
      item.appendChild(link("本单位稿件", "#/collections/" + unit.collection));
      list.appendChild(item);
    });
  }

  function build() {
    var panel = document.createElement("section");
    panel.className = "portal-finder";
    panel.setAttribute("aria-label", "查找投稿单位");
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "portal-finder-toggle";
    toggle.textContent = "查找单位";
    toggle.setAttribute("aria-expanded", "false");
    var body = document.createElement("div");
    body.hidden = true;
    var label = document.createElement("label");
    label.textContent = "单位名称或编号";
    var input = document.createElement("input");
    input.type = "search";
    input.id = "portal-finder-input";
    label.htmlFor = input.id;
    var list = document.createElement("ul");
    list.setAttribute("aria-live", "polite");
    input.addEventListener("input", function () { show(list, input.value); });
    list.addEventListener("click", function (event) {
      if (event.target.tagName === "A") { body.hidden = true; toggle.setAttribute("aria-expanded", "false"); }
    });
    toggle.addEventListener("click", function () {
      body.hidden = !body.hidden;
      toggle.setAttribute("aria-expanded", String(!body.hidden));
      if (!body.hidden) { input.focus(); }
    });
    body.appendChild(label);
    body.appendChild(input);
    body.appendChild(list);
    panel.appendChild(toggle);
    panel.appendChild(body);
    document.body.appendChild(panel);
  }

  build();
})();
