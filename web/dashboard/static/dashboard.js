/* The examiners' dashboard (SPEC §12): launch data from Telegram, every figure from the API. */
(function () {
  "use strict";
  var L = JSON.parse(document.getElementById("labels").textContent);
  var BASE = document.body.getAttribute("data-base") || "";
  var PARTS = ["achievement", "diligence", "rating", "examiners"];
  var GRADE_CLASS = { "优秀": "g-excellent", "一般": "g-fair" };
  var STATES = ["open", "progress", "submitted", "closed", "cancelled"];
  var state = { scope: "", period: "", tab: "board", board: null, orders: null, sort: "composite",
                desc: true, query: "", charts: [] };
  var $ = function (id) { return document.getElementById(id); };

  // --- launch data and theme -------------------------------------------------------------
  var fragment = new URLSearchParams(location.hash.slice(1));
  var webApp = window.Telegram && window.Telegram.WebApp;  // only if the client injected it
  var launch = (webApp && webApp.initData) || fragment.get("tgWebAppData") || "";

  function themeParams() {
    if (webApp && webApp.themeParams && Object.keys(webApp.themeParams).length) {
      return webApp.themeParams;
    }
    try { return JSON.parse(fragment.get("tgWebAppThemeParams") || "{}"); } catch (e) { return {}; }
  }

  function luminance(hex) {
    var m = /^#?([0-9a-f]{6})$/i.exec(hex || "");
    if (!m) return null;
    var n = parseInt(m[1], 16);
    return (0.2126 * (n >> 16) + 0.7152 * ((n >> 8) & 255) + 0.0722 * (n & 255)) / 255;
  }

  function applyTheme() {
    var t = themeParams(), root = document.documentElement.style;
    var map = { bg_color: "--bg", text_color: "--text", hint_color: "--hint", link_color: "--link",
                button_color: "--button", button_text_color: "--button-text",
                secondary_bg_color: "--card" };
    Object.keys(map).forEach(function (k) { if (t[k]) root.setProperty(map[k], t[k]); });
    var lum = luminance(t.bg_color);
    if (lum !== null) document.documentElement.setAttribute("data-scheme", lum < 0.5 ? "dark" : "light");
  }

  function tellTelegram(event) {
    try {
      if (window.TelegramWebviewProxy) window.TelegramWebviewProxy.postEvent(event, "");
      else if (window.external && window.external.notify) window.external.notify(JSON.stringify({ eventType: event, eventData: "" }));
    } catch (e) { /* not inside Telegram */ }
  }

  // --- helpers ---------------------------------------------------------------------------
  function esc(s) {
    return String(s === null || s === undefined ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function fmt(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (_m, k) { return values[k]; });
  }
  function num(v) { return v === null || v === undefined ? "—" : Number(v).toFixed(1); }
  function css(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }

  function api(path, options) {
    options = options || {};
    options.headers = Object.assign({ Authorization: "tma " + launch }, options.headers || {});
    return fetch(BASE + "/api/" + path, options).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (r.status === 401) { fatal(body.error || "401"); throw new Error("unauthorized"); }
        if (!r.ok) throw new Error(body.error || String(r.status));
        return body;
      });
    });
  }

  function fatal(line) {  // a bad launch: one line, nothing else on the page
    ["top", "board", "orders", "charts", "cadre", "loading"].forEach(function (id) {
      $(id).hidden = true; if (id !== "top" && id !== "loading") $(id).innerHTML = "";
    });
    $("fatal").textContent = line;
    $("fatal").hidden = false;
  }

  function toast(line) {
    var t = $("toast");
    t.textContent = line; t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { t.hidden = true; }, 4000);
  }

  function failed(section) {
    return function (err) {
      if (err.message === "unauthorized") return;
      $("loading").hidden = true;
      section.innerHTML = '<p class="card">' + esc(err.message) + "</p>";
    };
  }

  // --- the scope picker ------------------------------------------------------------------
  function picker(data) {
    $("me").textContent = data.me.name || "";
    var scope = '<option value="">' + esc(L.all) + "</option>";
    if (data.domains.length) {
      scope += '<optgroup label="' + esc(L.domains) + '">' + data.domains.map(function (d) {
        return '<option value="' + esc(d.name) + '">' + esc(d.name) + "</option>";
      }).join("") + "</optgroup>";
    }
    scope += '<optgroup label="' + esc(L.projects) + '">' + data.projects.map(function (p) {
      return '<option value="' + esc(p.name) + '">' + esc(p.name) + "</option>";
    }).join("") + "</optgroup>";
    $("scope").innerHTML = scope;
    $("period").innerHTML = '<option value="">' + esc(L.period_default) + "</option>" +
      data.periods.map(function (p) {
        return '<option value="' + p.id + '">' + esc(p.theme) + " · " +
          esc(p.status === "open" ? L.status_open : L.status_closed) + "</option>";
      }).join("");
    $("scope").onchange = function () { state.scope = this.value; reload(); };
    $("period").onchange = function () { state.period = this.value; reload(); };
    $("top").hidden = false;
  }

  function query() {
    return "scope=" + encodeURIComponent(state.scope) + "&period=" + encodeURIComponent(state.period);
  }

  // --- the board -------------------------------------------------------------------------
  function figures(part, f) {
    if (part === "achievement") return fmt(L.fig_achievement, { on: f.milestones_on_time, due: f.milestones_due, items: f.items });
    if (part === "diligence") return fmt(L.fig_diligence, f);
    if (part === "rating") {
      return f.rating === null ? L.fig_rating_none :
        fmt(L.fig_rating, { scope: f.rating_scope === "person" ? L.rating_person : L.rating_project, count: f.rating_count });
    }
    var line = f.grade === null ? L.fig_examiners_none : fmt(L.fig_examiners, { grade: num(f.grade), graders: f.graders });
    if (f.note_points) line += " · " + fmt(L.fig_points, { points: (f.note_points > 0 ? "+" : "") + f.note_points });
    return line;
  }

  function partCell(name, part, f) {
    var value = part.value === null ? L.no_data : num(part.value);
    var weight = part.value === null ? "" : " " + fmt(L.weight, { w: Math.round(part.weight) });
    return '<div class="part" data-part="' + name + '"><b>' + esc(L[name]) + esc(weight) +
      '</b><span class="v">' + esc(value) + "</span><small>" + esc(figures(name, f)) + "</small></div>";
  }

  function sortKey(row, key) {
    if (key === "name") return row.name;
    if (key === "composite") return row.composite;
    if (key === "grade") return { "优秀": 3, "良好": 2, "一般": 1 }[row.grade] || 0;
    return row.parts[key].value;
  }

  function sorted(rows) {
    var key = state.sort, sign = state.desc ? -1 : 1;
    return rows.slice().sort(function (a, b) {
      var x = sortKey(a, key), y = sortKey(b, key);
      if (x === null || x === undefined) return (y === null || y === undefined) ? 0 : 1;
      if (y === null || y === undefined) return -1;
      if (typeof x === "string") return sign * x.localeCompare(y, "zh-CN");
      return x === y ? 0 : (x < y ? -sign : sign);
    });
  }

  function visibleRows() {
    var q = state.query.trim();
    var rows = state.board ? state.board.rows : [];
    if (q) rows = rows.filter(function (r) { return r.name.indexOf(q) >= 0; });
    return sorted(rows);
  }

  function renderBoard() {
    var b = state.board, section = $("board");
    var p = b.period;
    var head = '<div class="bar"><span class="meta">' + esc(fmt(L.window, { theme: p.theme, start: p.start, end: b.end })) +
      (b.frozen ? " · " + esc(L.frozen) : "") + " · " + esc(fmt(L.cadres, { n: b.rows.length })) + "</span>" +
      '<input type="search" id="search" placeholder="' + esc(L.search) + '" value="' + esc(state.query) + '"></div>';
    var sorts = '<div class="sorts" id="sorts">' + ["composite", "name", "grade"].concat(PARTS).map(function (k) {
      var label = k === "name" ? L.col_name : k === "composite" ? L.col_composite : k === "grade" ? L.col_grade : L[k];
      var on = state.sort === k;
      return '<button data-sort="' + k + '" class="' + (on ? "on" : "") + '">' + esc(label) +
        (on ? (state.desc ? " ↓" : " ↑") : "") + "</button>";
    }).join("") + "</div>";
    section.innerHTML = head + sorts + '<ol class="rows" id="rows"></ol>' +
      '<button class="action" id="send-export">' + esc(L.send_export) + "</button>";
    fillRows();
    $("search").oninput = function () { state.query = this.value; fillRows(); };
    $("sorts").onclick = function (e) {
      var k = e.target.getAttribute("data-sort");
      if (!k) return;
      if (state.sort === k) state.desc = !state.desc;
      else { state.sort = k; state.desc = k !== "name"; }
      renderBoard();
    };
    $("send-export").onclick = function () {
      send({ kind: "export", scope: state.scope || null, period: state.board.period.id || null });
    };
  }

  function fillRows() {
    var rows = visibleRows();
    var html = rows.map(function (r, i) {
      return '<li class="row" data-id="' + r.id + '"><div class="top"><span class="rank">' + (i + 1) + "</span>" +
        '<span class="name">' + esc(r.name) + "</span>" +
        (r.stage && r.stage !== "out" ? '<span class="stage">' + esc(L.stages[r.stage] || r.stage) + "</span>" : "") +
        '<span class="comp">' + esc(r.composite === null ? L.no_data : num(r.composite)) + "</span>" +
        (r.grade ? '<span class="grade ' + (GRADE_CLASS[r.grade] || "") + '">' + esc(r.grade) + "</span>" : "") +
        '</div><div class="sub">' + esc(r.projects.join("、")) + '</div><div class="parts">' +
        PARTS.map(function (k) { return partCell(k, r.parts[k], r.figures); }).join("") + "</div></li>";
    }).join("");
    if (!html) html = '<li class="card">' + esc(state.board.rows.length ? L.no_match : L.no_rows) + "</li>";
    $("rows").innerHTML = html;
    $("rows").onclick = function (e) {
      var li = e.target.closest(".row");
      if (li) openCadre(Number(li.getAttribute("data-id")));
    };
  }

  // --- the orders board ------------------------------------------------------------------
  function daysText(o) {
    if (o.state === "closed" || o.state === "cancelled") return "";
    if (o.days < 0) return fmt(L.days_over, { n: -o.days });
    return o.days === 0 ? L.due_today : fmt(L.days_left, { n: o.days });
  }

  function orderItem(o) {
    var days = daysText(o);
    return '<li data-number="' + esc(o.number) + '"><b>' + esc(o.number) + "</b> " + esc(o.cadre) +
      ' <small>' + esc(o.project) + "</small> " +
      '<span class="tag">' + esc(L.states[o.state] || o.state) + "</span> " +
      (days ? '<span class="tag ' + (o.overdue ? "over" : "okay") + '">' + esc(days) + "</span>" : "") +
      "<br>" + esc(o.text) + ' <small class="nowrap">' + esc(fmt(L.deadline, { d: o.deadline })) + "</small></li>";
  }

  function renderOrders() {
    var rows = state.orders.rows, html = "";
    var overdue = rows.filter(function (o) { return o.overdue; });
    if (overdue.length) html += "<h2>" + esc(L.overdue_group) + " · " + overdue.length + '</h2><ul class="list">' + overdue.map(orderItem).join("") + "</ul>";
    STATES.forEach(function (s) {
      var mine = rows.filter(function (o) { return o.state === s && !o.overdue; });
      if (mine.length) html += "<h2>" + esc(L.states[s]) + " · " + mine.length + '</h2><ul class="list">' + mine.map(orderItem).join("") + "</ul>";
    });
    $("orders").innerHTML = html || '<p class="card">' + esc(L.no_orders) + "</p>";
  }

  // --- charts ----------------------------------------------------------------------------
  function clearCharts() {
    state.charts.forEach(function (c) { c.destroy(); });
    state.charts = [];
  }

  function chart(parent, tall, config) {
    var box = document.createElement("div");
    box.className = "chart" + (tall ? " tall" : "");
    var canvas = document.createElement("canvas");
    box.appendChild(canvas);
    parent.appendChild(box);
    if (!window.Chart) return;
    var text = css("--text"), line = css("--line");
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { display: false, labels: { color: text } }, title: { display: true, text: config.title, color: text } },
      scales: config.type === "doughnut" ? {} : {
        x: { ticks: { color: text }, grid: { color: line } },
        y: { ticks: { color: text }, grid: { color: line } } } }, config.options || {});
    state.charts.push(new window.Chart(canvas, config));
  }

  function renderCharts() {
    clearCharts();
    var section = $("charts");
    section.innerHTML = "";
    var rows = visibleRows().filter(function (r) { return r.composite !== null; });
    var button = css("--button");
    if (rows.length <= 40) {
      chart(section, true, { type: "bar", title: L.chart_composite,
        data: { labels: rows.map(function (r) { return r.name; }),
                datasets: [{ data: rows.map(function (r) { return r.composite; }), backgroundColor: button }] },
        options: { indexAxis: "y" } });
    } else {
      var bins = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
      rows.forEach(function (r) { bins[Math.min(9, Math.floor(r.composite / 10))] += 1; });
      chart(section, false, { type: "bar", title: L.chart_bins,
        data: { labels: bins.map(function (_n, i) { return i * 10 + "–" + (i * 10 + 10); }),
                datasets: [{ data: bins, backgroundColor: button }] } });
    }
    var grades = {};
    state.board.rows.forEach(function (r) { if (r.grade) grades[r.grade] = (grades[r.grade] || 0) + 1; });
    var names = Object.keys(grades);
    chart(section, false, { type: "doughnut", title: L.chart_grades,
      data: { labels: names, datasets: [{ data: names.map(function (g) { return grades[g]; }),
        backgroundColor: names.map(function (g) { return g === "优秀" ? css("--ok") : g === "一般" ? css("--miss") : css("--leave"); }) }] },
      options: { plugins: { legend: { display: true, labels: { color: css("--text") } }, title: { display: true, text: L.chart_grades, color: css("--text") } } } });
    var means = PARTS.map(function (k) {
      var vs = state.board.rows.map(function (r) { return r.parts[k].value; }).filter(function (v) { return v !== null; });
      return vs.length ? Math.round(10 * vs.reduce(function (a, b) { return a + b; }, 0) / vs.length) / 10 : null;
    });
    chart(section, false, { type: "bar", title: L.chart_parts,
      data: { labels: PARTS.map(function (k) { return L[k]; }), datasets: [{ data: means, backgroundColor: button }] },
      options: { scales: { y: { min: 0, max: 100, ticks: { color: css("--text") }, grid: { color: css("--line") } },
                           x: { ticks: { color: css("--text") }, grid: { color: css("--line") } } } } });
  }

  // --- the cadre page --------------------------------------------------------------------
  function list(items, render) {
    return items.length ? '<ul class="list">' + items.map(render).join("") + "</ul>" : '<p class="small">' + esc(L.empty) + "</p>";
  }

  function strip(days) {
    var html = "", month = "";
    days.forEach(function (d) {
      var m = d.day.slice(0, 7);
      if (m !== month) {
        month = m;
        html += '<div class="m">' + esc(m) + "</div>";
        var lead = (new Date(d.day + "T00:00:00").getDay() + 6) % 7;  // Monday first
        for (var i = 0; i < lead; i++) html += '<div class="cell blank"></div>';
      }
      var title = (L.legend[d.status] || d.status) + (d.holiday ? " · " + d.holiday : "") + (d.makeup ? " · " + L.legend.makeup : "");
      html += '<div class="cell ' + d.status + '" title="' + esc(d.day + " " + title) + '" data-day="' + d.day + '">' +
        Number(d.day.slice(8)) + (d.makeup ? "<i>" + esc(L.makeup_mark) + "</i>" : d.status === "holiday" ? "<i>" + esc(L.holiday_mark) + "</i>" : "") + "</div>";
    });
    var legend = ["on_time", "late", "missing", "leave", "holiday", "weekend", "not_yet", "future"].map(function (k) {
      return '<span class="' + k + '">' + esc(L.legend[k]) + "</span>";
    }).join("") + "<span class=\"note\">" + esc(L.makeup_mark + " = " + L.legend.makeup) + "</span>";
    return '<div class="legend">' + legend + '</div><div class="strip">' + html + "</div>";
  }

  function rating(r) {
    if (!r.shown) return "<li>" + esc(r.project) + " · " + esc(r.window) + '<br><small>' + esc(L.not_shown) + "</small></li>";
    var line = fmt(L.rating_line, { n: r.count, mean: r.mean, score: num(r.score) });
    var more = "";
    if (r.dims) more += "<br><small>" + Object.keys(r.dims).map(function (k) { return esc((L.dims[k] || k) + " " + r.dims[k]); }).join(" · ") + "</small>";
    if (r.kinds) more += "<br><small>" + Object.keys(r.kinds).map(function (k) { return esc((L.kinds[k] || k) + " " + r.kinds[k].count + " · " + r.kinds[k].mean); }).join(" · ") + "</small>";
    if (r.comments) more += "<br><small>" + esc(L.comments) + "：" + r.comments.map(esc).join(" ／ ") + "</small>";
    return "<li>" + esc(r.project) + " · " + esc(r.window) + "<br>" + esc(line) + more + "</li>";
  }

  function renderCadre(c) {
    var section = $("cadre");
    var p = c.period;
    var current = c.scores.filter(function (s) { return s.period.id && s.period.id === p.id; })[0];
    var html = '<button class="back" id="back">' + esc(L.back) + "</button>" +
      '<div class="person"><h1>' + esc(c.name) + (c.stage && c.stage !== "out" ? ' <span class="stage">' + esc(L.stages[c.stage]) + "</span>" : "") +
      '</h1><p class="small">' + esc(c.post || "") + " · " + esc(c.projects.join("、")) + "<br>" +
      esc(c.in_period ? fmt(L.window, { theme: p.theme, start: p.start, end: p.end }) : fmt(L.month_window, { start: p.start })) + "</p></div>";
    if (current) {
      html += '<div class="card" id="cadre-score"><div class="top"><b>' + esc(L.period_score) + '</b> <span class="comp">' +
        esc(current.composite === null ? L.no_data : num(current.composite)) + "</span> " +
        (current.grade ? '<span class="grade ' + (GRADE_CLASS[current.grade] || "") + '">' + esc(current.grade) + "</span>" : "") +
        '</div><div class="parts">' + PARTS.map(function (k) { return partCell(k, current.parts[k], current.figures); }).join("") + "</div></div>";
    }
    html += "<h2>" + esc(L.strip) + "</h2>" + strip(c.days);
    html += '<div id="cadre-charts"></div>';
    html += "<h2>" + esc(L.duties) + "</h2>" + list(c.duties, function (m) {
      var status = m.done ? '<span class="tag okay">' + esc(fmt(L.done, { d: m.done })) + "</span>" :
        m.overdue ? '<span class="tag over">' + esc(L.milestone_overdue) + "</span>" : '<span class="tag">' + esc(L.in_progress) + "</span>";
      return "<li>" + esc(m.due) + " " + esc(m.text) + " <small>" + esc(m.project) + "</small> " + status + "</li>";
    });
    html += "<h2>" + esc(L.achievements) + "</h2>" + list(c.achievements, function (a) { return "<li><small>" + esc(a.day) + "</small> " + esc(a.text) + "</li>"; });
    html += "<h2>" + esc(L.problems) + "</h2>" + list(c.problems, function (a) { return "<li><small>" + esc(a.day) + "</small> " + esc(a.text) + "</li>"; });
    html += "<h2>" + esc(L.orders) + "</h2>" + list(c.orders, function (o) {
      var days = daysText(o);
      return "<li><b>" + esc(o.number) + '</b> <span class="tag">' + esc(L.states[o.state] || o.state) + "</span> " +
        (days ? '<span class="tag ' + (o.overdue ? "over" : "okay") + '">' + esc(days) + "</span>" : "") +
        "<br>" + esc(o.text) + " <small class=\"nowrap\">" + esc(fmt(L.deadline, { d: o.deadline })) + "</small></li>";
    });
    html += "<h2>" + esc(L.ratings) + "</h2>" + list(c.ratings, rating);
    html += "<h2>" + esc(L.notes) + "</h2>" + list(c.notes, function (n) {
      return "<li><small>" + esc(n.at) + " " + esc(n.by) + "</small>" + (n.points ? ' <span class="tag">' + (n.points > 0 ? "+" : "") + n.points + "</span>" : "") + "<br>" + esc(n.text) + "</li>";
    });
    html += "<h2>" + esc(L.scores) + "</h2>" + list(c.scores, function (s) {
      var f = s.figures;
      return "<li>" + esc(s.period.theme) + " <small>" + esc(s.period.start + " – " + s.period.end) + "</small><br>" +
        esc(L.col_composite) + " " + esc(s.composite === null ? L.no_data : num(s.composite)) + (s.grade ? " · " + esc(s.grade) : "") +
        " · " + esc(L.examiner_grade) + " " + esc(f.grade === null ? L.fig_examiners_none : num(f.grade) + " (" + f.graders + ")") + "</li>";
    });
    html += "<h2>" + esc(L.trail) + "</h2>" + list(c.trail, function (t) {
      return "<li><small>" + esc(t.at) + " " + esc(t.by || L.system) + "</small> " + esc(L.actions[t.action] || t.action) + " " + esc(t.detail) + "</li>";
    });
    html += '<button class="action" id="send-dossier">' + esc(L.send_dossier) + "</button>";
    section.innerHTML = html;
    $("back").onclick = closeCadre;
    $("send-dossier").onclick = function () { send({ kind: "dossier", person: c.id }); };
    clearCharts();
    var box = $("cadre-charts");
    if (c.months.length) {
      chart(box, false, { type: "bar", title: L.chart_months,
        data: { labels: c.months.map(function (m) { return m.month; }),
                datasets: [{ data: c.months.map(function (m) { return m.rate; }), backgroundColor: css("--ok") }] },
        options: { scales: { y: { min: 0, max: 100, ticks: { color: css("--text") }, grid: { color: css("--line") } },
                             x: { ticks: { color: css("--text") }, grid: { color: css("--line") } } } } });
    }
    if (current) {
      chart(box, false, { type: "bar", title: L.chart_cadre_parts,
        data: { labels: PARTS.map(function (k) { return L[k]; }),
                datasets: [{ data: PARTS.map(function (k) { return current.parts[k].value; }), backgroundColor: css("--button") }] },
        options: { scales: { y: { min: 0, max: 100, ticks: { color: css("--text") }, grid: { color: css("--line") } },
                             x: { ticks: { color: css("--text") }, grid: { color: css("--line") } } } } });
    }
  }

  function openCadre(id) {
    var period = state.board && state.board.period.id ? state.board.period.id : "";
    $("loading").hidden = false;
    api("cadre/" + id + "?period=" + period).then(function (c) {
      $("loading").hidden = true;
      ["board", "orders", "charts"].forEach(function (s) { $(s).hidden = true; });
      $("tabs").hidden = true;
      $("cadre").hidden = false;
      renderCadre(c);
      window.scrollTo(0, 0);
      if (webApp && webApp.BackButton) { webApp.BackButton.onClick(closeCadre); webApp.BackButton.show(); }
    }).catch(failed($("cadre")));
  }

  function closeCadre() {
    $("cadre").hidden = true;
    $("cadre").innerHTML = "";
    $("tabs").hidden = false;
    if (webApp && webApp.BackButton) webApp.BackButton.hide();
    show(state.tab);
  }

  // --- tabs and loading ------------------------------------------------------------------
  function show(tab) {
    state.tab = tab;
    Array.prototype.forEach.call($("tabs").children, function (b) {
      b.className = b.getAttribute("data-tab") === tab ? "on" : "";
    });
    ["board", "orders", "charts"].forEach(function (s) { $(s).hidden = s !== tab; });
    if (tab === "charts" && state.board) renderCharts();
    if (tab === "orders" && !state.orders) loadOrders();
  }

  function loadOrders() {
    $("loading").hidden = false;
    api("orders?" + query()).then(function (o) {
      state.orders = o;
      $("loading").hidden = true;
      renderOrders();
    }).catch(failed($("orders")));
  }

  function reload() {
    state.board = null; state.orders = null;
    $("loading").hidden = false;
    $("cadre").hidden = true;
    api("board?" + query()).then(function (b) {
      document.body.dataset.arrived = performance.now();
      state.board = b;
      $("loading").hidden = true;
      renderBoard();
      show(state.tab);
      document.body.dataset.rendered = performance.now();  // read by bench/dashboard.py
    }).catch(failed($("board")));
    if (state.tab === "orders") loadOrders();
  }

  function send(body) {
    api("send", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) { toast(r.line); }).catch(function (e) { if (e.message !== "unauthorized") toast(e.message); });
  }

  applyTheme();
  tellTelegram("web_app_ready");
  tellTelegram("web_app_expand");
  if (webApp && webApp.ready) webApp.ready();
  $("tabs").onclick = function (e) { var t = e.target.getAttribute("data-tab"); if (t) show(t); };
  api("scopes").then(function (data) { picker(data); reload(); }).catch(function (e) {
    if (e.message !== "unauthorized") fatal(e.message);
  });
})();
