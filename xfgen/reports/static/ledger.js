/* xfgen ledgers: sort by a column, filter by unit, status or text, count the rows shown.
 * Shipped with the site (no network, works from file://). Without it the page is the
 * same full table. The view is kept in the address (#unit=…&state=…&q=…&sort=…) so a
 * filtered ledger can be bookmarked. Plain ES5 for the older browsers offices use. */
(function () {
  "use strict";
  var STATES = ["超期", "临期", "在办"];

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  function text(cell) { return cell ? (cell.textContent || "").replace(/\s+/g, " ").trim() : ""; }
  function make(tag, attrs, content) {
    var el = document.createElement(tag);
    for (var key in attrs) { if (attrs.hasOwnProperty(key)) el.setAttribute(key, attrs[key]); }
    if (content) el.textContent = content;
    return el;
  }
  function readHash() {
    var found = {};
    each(location.hash.replace(/^#/, "").split("&"), function (part) {
      var at = part.indexOf("=");
      if (at > 0) {
        try { found[part.slice(0, at)] = decodeURIComponent(part.slice(at + 1)); } catch (e) { /* ignore */ }
      }
    });
    return found;
  }

  function setUp(table) {
    var body = table.tBodies[0];
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    var rows = Array.prototype.filter.call(body.rows, function (row) { return !row.querySelector("td.empty"); });
    if (!rows.length) return;
    var unitColumn = -1;
    each(headers, function (th, i) { if (th.getAttribute("data-key") === "unit") unitColumn = i; });
    var hasState = rows.some(function (row) { return row.hasAttribute("data-state"); });
    var view = readHash();

    var bar = make("div", { "class": "ledger-tools no-print" });
    var unitSelect = null, stateSelect = null;
    if (unitColumn >= 0) {
      var present = {};
      rows.forEach(function (row) { present[text(row.cells[unitColumn])] = true; });
      var units = (table.getAttribute("data-units") || "").split("|").filter(function (u) { return present[u]; });
      Object.keys(present).forEach(function (u) { if (u && units.indexOf(u) < 0) units.push(u); });
      unitSelect = select("责任单位", units, view.unit);
    }
    if (hasState) stateSelect = select("状态", STATES, view.state);
    var search = make("input", { type: "search", placeholder: "编号、问题、单位……", "aria-label": "查找" });
    search.value = view.q || "";
    var label = make("label", {}, "查找 ");
    label.appendChild(search);
    bar.appendChild(label);
    var count = make("span", { "class": "ledger-count", "aria-live": "polite" });
    bar.appendChild(count);
    var wrap = table.parentNode.classList.contains("ledger-wrap") ? table.parentNode : table;
    wrap.parentNode.insertBefore(bar, wrap);

    function select(name, values, chosen) {
      var box = make("select", { "aria-label": name });
      box.appendChild(make("option", { value: "" }, "全部"));
      values.forEach(function (v) {
        var option = make("option", { value: v }, v);
        if (v === chosen) option.selected = true;
        box.appendChild(option);
      });
      var holder = make("label", {}, name + " ");
      holder.appendChild(box);
      bar.appendChild(holder);
      return box;
    }

    var sortColumn = -1, descending = false;
    function compare(a, b) {
      var x = text(a.cells[sortColumn]), y = text(b.cells[sortColumn]);
      if (x === y) return 0;
      if (!x || x === "—") return 1;  // empty cells last, whatever the direction
      if (!y || y === "—") return -1;
      var nx = parseFloat(x), ny = parseFloat(y);
      var numeric = headers[sortColumn].hasAttribute("data-numeric") && !isNaN(nx) && !isNaN(ny);
      var order = numeric ? nx - ny : x.localeCompare(y, "zh-CN");
      return descending ? -order : order;
    }
    function sortBy(column, down) {
      sortColumn = column; descending = down;
      each(headers, function (th, i) {
        th.setAttribute("aria-sort", i === column ? (down ? "descending" : "ascending") : "none");
      });
      var sorted = rows.slice().sort(function (a, b) {
        return compare(a, b) || rows.indexOf(a) - rows.indexOf(b);  // stable
      });
      sorted.forEach(function (row) { body.appendChild(row); });
    }
    each(headers, function (th, i) {
      th.setAttribute("tabindex", "0");
      th.setAttribute("aria-sort", "none");
      th.title = "点击排序";
      function toggle() { sortBy(i, sortColumn === i ? !descending : false); apply(); }
      th.addEventListener("click", toggle);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(); } });
    });

    function apply() {
      var unit = unitSelect ? unitSelect.value : "";
      var state = stateSelect ? stateSelect.value : "";
      var query = search.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row) {
        var visible = (!unit || text(row.cells[unitColumn]) === unit) &&
          (!state || row.getAttribute("data-state") === state ||
            (state === "在办" && row.hasAttribute("data-state"))) &&
          (!query || text(row).toLowerCase().indexOf(query) >= 0);
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      count.textContent = "显示 " + shown + " 行，共 " + rows.length + " 行";
      var parts = [];
      if (unit) parts.push("unit=" + encodeURIComponent(unit));
      if (state) parts.push("state=" + encodeURIComponent(state));
      if (query) parts.push("q=" + encodeURIComponent(search.value.trim()));
      if (sortColumn >= 0) parts.push("sort=" + sortColumn + (descending ? "-desc" : ""));
      var hash = parts.length ? "#" + parts.join("&") : "";
      if (history.replaceState && hash !== location.hash) {
        history.replaceState(null, "", hash || location.pathname + location.search);
      }
    }
    if (unitSelect) unitSelect.addEventListener("change", apply);
    if (stateSelect) stateSelect.addEventListener("change", apply);
    search.addEventListener("input", apply);
    var wanted = /^(\d+)(-desc)?$/.exec(view.sort || "");
    if (wanted && +wanted[1] < headers.length) sortBy(+wanted[1], !!wanted[2]);
    apply();
  }

  function start() { each(document.querySelectorAll("table.ledger"), setUp); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
