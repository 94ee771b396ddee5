/* 连心离线工作：the shell page. Reads the grid's work from IndexedDB, renders the four forms,
 * keeps what the worker saves in the outbox ("待同步") and sends it, in order, when the network
 * and a valid session are there. Nothing typed is dropped without the worker deciding. */
(function () {
  "use strict";
  var store = self.LianxinOfflineDB;
  var state = { pack: null, items: [], session: null, syncing: false, expired: false, filter: "" };
  var KIND_LABELS = {
    visit: "走访记录",
    discovery: "登记发现",
    investigation: "入户调查",
    alert_verification: "预警核实"
  };
  var STATUS_LABELS = {
    pending: "待同步",
    synced: "已同步",
    conflict: "有冲突，需处理",
    invalid: "需修改",
    refused: "被拒绝，需处理",
    other_user: "待原填写人登录后同步"
  };

  function $(testid) { return document.querySelector('[data-testid="' + testid + '"]'); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") node.textContent = v;
      else if (k === "on") Object.keys(v).forEach(function (e) { node.addEventListener(e, v[e]); });
      else node.setAttribute(k, v === true ? "" : v);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }

  function clock(iso) {
    if (!iso) return "";
    var d = new Date(iso);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function today() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function flash(text, kind) {
    var node = $("flash");
    node.textContent = text;
    node.className = "msg " + (kind || "");
    node.hidden = !text;
  }

  function household(number) {
    var list = (state.pack && state.pack.households) || [];
    for (var i = 0; i < list.length; i++) if (list[i].number === number) return list[i];
    return null;
  }

  function householdLabel(number) {
    var h = household(number);
    return h ? h.label : number;
  }

  // ------------------------------------------------------------------ the pack (grid's work)

  function packIsStale(pack) {
    if (!pack || !pack.fetched_at) return true;
    var hours = pack.max_age_hours || 12;
    return Date.now() - pack.fetched_at > hours * 3600 * 1000;
  }

  function sessionEnded() {
    // the server says the session is over: the grid's data goes, the outbox stays
    state.expired = true;
    state.pack = null;
    return store.clearPack().then(render);
  }

  function refreshPack() {
    if (!navigator.onLine) return Promise.resolve();
    return fetch("/offline/pack/", { credentials: "same-origin", redirect: "manual", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.type === "opaqueredirect" || response.status === 401) return sessionEnded();
        return response.json().then(function (body) {
          if (!response.ok) {
            flash(body.message || "无法下载网格数据", "error");
            state.pack = null;
            return store.clearPack().then(render);
          }
          body.fetched_at = Date.now();
          state.pack = body;
          state.expired = false;
          return store.putPack(body).then(render);
        });
      })["catch"](function () { /* offline or server away: keep what the phone has */ });
  }

  // ------------------------------------------------------------------ the outbox

  function loadItems() {
    return store.outboxAll().then(function (items) { state.items = items; });
  }

  function save(kind, payload, photos, replacing) {
    var owner = state.pack ? state.pack.user.username : "";
    var item = {
      key: store.uuid(),
      kind: kind,
      payload: payload,
      photos: photos || [],
      typed_at: new Date().toISOString(),
      owner: owner,
      status: "pending",
      message: ""
    };
    var step = replacing ? store.outboxDelete(replacing) : Promise.resolve();
    return step.then(function () { return store.outboxPut(item); }).then(function () {
      closeForm();
      flash("已保存到本机（待同步）" + (navigator.onLine ? "，正在同步…" : "，联网后自动同步"), "success");
      return loadItems();
    }).then(function () {
      render();
      return syncAll();
    });
  }

  function checkSession() {
    return fetch("/offline/session/", { credentials: "same-origin", redirect: "manual", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) return null;
        if (!response.ok) throw new Error("server " + response.status);
        return response.json();
      });
  }

  function send(url, item, csrf, withPhotos) {
    var form = new FormData();
    form.append("submission", JSON.stringify({
      key: item.key, kind: item.kind, payload: item.payload, typed_at: item.typed_at, reason: item.reason || ""
    }));
    if (withPhotos) {
      (item.photos || []).forEach(function (p) { form.append("photos", p.blob, p.name || "photo.jpg"); });
    }
    return fetch(url, {
      method: "POST", body: form, credentials: "same-origin", redirect: "manual",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" }
    });
  }

  function receipt(item, body) {
    // the server has it: keep a line for the worker, drop what was typed and the photos
    return {
      key: item.key, seq: item.seq, kind: item.kind, owner: item.owner, typed_at: item.typed_at,
      status: "synced", summary: body.summary || KIND_LABELS[item.kind], synced_at: body.synced_at,
      replayed: !!body.replayed, payload: { household: item.payload.household || "" }, photos: []
    };
  }

  function syncAll() {
    if (state.syncing) return Promise.resolve();
    var pending = state.items.filter(function (i) { return i.status === "pending" || i.status === "other_user"; });
    if (!pending.length) return Promise.resolve();
    if (!navigator.onLine) { render(); return Promise.resolve(); }
    state.syncing = true;
    render();
    return checkSession().then(function (session) {
      if (!session) return sessionEnded();
      state.session = session;
      state.expired = false;
      var chain = Promise.resolve(true);
      pending.forEach(function (item) {
        chain = chain.then(function (go) {
          if (!go) return false;
          if (item.owner && item.owner !== session.username) {
            item.status = "other_user";
            return store.outboxPut(item).then(function () { return true; });
          }
          return send("/offline/sync/", item, session.csrf, true).then(function (response) {
            if (response.type === "opaqueredirect") { sessionEnded(); return false; }
            return response.json().then(function (body) {
              if (response.ok) return store.outboxPut(receipt(item, body)).then(function () { return true; });
              if (response.status >= 500) return false;
              item.status = body.status || "invalid";
              item.message = body.message || "服务器拒绝了该记录";
              item.current = body.current || "";
              return store.outboxPut(item).then(function () { return true; });
            }, function () { return false; /* not JSON (e.g. CSRF page): retry later */ });
          }, function () { return false; /* network dropped: retry later, in order */ });
        });
      });
      return chain;
    })["catch"](function () { /* offline or server away */ }).then(function () {
      state.syncing = false;
      return loadItems();
    }).then(function () {
      render();
      return refreshPack();
    });
  }

  function discard(item) {
    if (!navigator.onLine) { flash("放弃需要联网（服务器会保留您填写的内容）", "warning"); return Promise.resolve(); }
    return checkSession().then(function (session) {
      if (!session) return sessionEnded();
      item.reason = "填写人放弃：" + (item.message || "");
      return send("/offline/discard/", item, session.csrf, false).then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) { flash(body.message || "操作失败", "error"); return undefined; }
          flash("已放弃该记录，填写内容已保存在服务器", "success");
          return store.outboxDelete(item.key);
        });
      });
    })["catch"](function () { flash("网络中断，请稍后再试", "warning"); })
      .then(loadItems).then(render);
  }

  // ------------------------------------------------------------------ forms

  function closeForm() {
    var area = $("form-area");
    area.innerHTML = "";
    area.hidden = true;
  }

  function field(label, input) {
    return el("p", {}, [el("label", { "for": input.id, text: label }), input]);
  }

  function textarea(name, value) {
    return el("textarea", { id: "f-" + name, name: name, rows: "3" }, [value || ""]);
  }

  function input(name, type, value) {
    var node = el("input", { id: "f-" + name, name: name, type: type || "text" });
    if (value !== undefined && value !== null) node.value = value;
    return node;
  }

  function select(name, choices, value) {
    var node = el("select", { id: "f-" + name, name: name }, choices.map(function (c) {
      return el("option", { value: c[0], text: c[1] });
    }));
    if (value) node.value = value;
    return node;
  }

  function photosInput() {
    return el("input", { id: "f-photos", name: "photos", type: "file", accept: "image/jpeg,image/png,image/webp", capture: "environment", multiple: true });
  }

  function readPhotos(form) {
    var files = form.querySelector("[name=photos]");
    if (!files || !files.files) return [];
    return Array.prototype.map.call(files.files, function (f) { return { blob: f, name: f.name, size: f.size }; });
  }

  function openForm(kind, context, old) {
    var area = $("form-area");
    var p = (old && old.payload) || {};
    var title = KIND_LABELS[kind] + (context.title ? "：" + context.title : "");
    var body = [];
    if (kind === "visit") {
      body.push(field("走访日期", input("visited_on", "date", p.visited_on || today())));
      body.push(field("走访情况", textarea("notes", p.notes)));
    } else if (kind === "discovery") {
      body.push(field("发现渠道", select("source", state.pack.choices.sources, p.source)));
      body.push(field("初步情况", textarea("description", p.description)));
      body.push(field("申请人/代办人（申请代办时填写）", input("applicant_name", "text", p.applicant_name)));
      body.push(field("照片（可多张）", photosInput()));
    } else if (kind === "investigation") {
      body.push(field("入户日期", input("visited_on", "date", p.visited_on || today())));
      body.push(field("常住人员", textarea("residents", p.residents)));
      body.push(field("常住人数", input("resident_count", "number", p.resident_count)));
      body.push(field("家庭月收入（元）", input("monthly_income", "number", p.monthly_income)));
      body.push(field("家庭月支出（元）", input("monthly_expenses", "number", p.monthly_expenses)));
      body.push(field("住房情况", select("housing", [["", "—"]].concat(state.pack.choices.housing), p.housing)));
      body.push(field("健康状况", textarea("health_notes", p.health_notes)));
      body.push(field("取暖情况", select("heating", [["", "—"]].concat(state.pack.choices.heating), p.heating)));
      body.push(field("主要需求", textarea("needs", p.needs)));
      body.push(field("照片（可多张）", photosInput()));
      body.push(el("p", {}, [el("label", { "class": "inline" }, [
        el("input", { type: "checkbox", name: "submit", id: "f-submit", checked: p.submit ? true : null }), "填写完整，提交入户调查"])]));
    } else if (kind === "alert_verification") {
      body.push(el("fieldset", {}, [el("legend", { text: "核实结果" }),
        el("label", { "class": "inline" }, [el("input", { type: "radio", name: "result", value: "confirmed", checked: p.result === "confirmed" ? true : null }), "属实"]),
        el("label", { "class": "inline" }, [el("input", { type: "radio", name: "result", value: "rejected", checked: p.result === "rejected" ? true : null }), "不属实"])]));
      body.push(field("处理去向（属实时）", select("outcome", [["", "—"]].concat(state.pack.choices.outcomes), p.outcome)));
      body.push(field("核实情况 / 不属实的原因", textarea("note", p.note)));
    }
    var form = el("form", { "data-testid": "offline-form", "data-kind": kind }, [el("h2", { text: title })].concat(body).concat([
      el("p", { "class": "actions" }, [
        el("button", { type: "submit", "data-testid": "form-save", text: "保存" }),
        " ",
        el("button", { type: "button", "class": "secondary", text: "取消", on: { click: closeForm } })
      ])
    ]));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      var payload = {};
      data.forEach(function (value, name) { if (name !== "photos" && typeof value === "string") payload[name] = value; });
      if (kind === "investigation") payload.submit = !!form.querySelector("[name=submit]").checked;
      Object.keys(context.fixed || {}).forEach(function (k) { payload[k] = context.fixed[k]; });
      var photos = readPhotos(form);
      if (old && !photos.length) photos = old.photos || [];
      var problem = check(kind, payload);
      if (problem) { flash(problem, "error"); return; }
      save(kind, payload, photos, old ? old.key : null);
    });
    area.innerHTML = "";
    area.appendChild(form);
    area.hidden = false;
    area.scrollIntoView();
  }

  function check(kind, p) {
    // the server decides; these catch what the worker can fix before leaving the door
    if (kind === "visit" && !(p.notes || "").trim()) return "请填写走访情况";
    if (kind === "discovery" && !(p.description || "").trim()) return "请填写初步情况";
    if (kind === "alert_verification") {
      if (!p.result) return "请选择核实结果";
      if (!(p.note || "").trim()) return p.result === "confirmed" ? "请填写核实情况" : "请填写不属实的原因";
      if (p.result === "confirmed" && !p.outcome) return "请选择处理去向：转入关爱帮扶或待遇调整";
    }
    return "";
  }

  // ------------------------------------------------------------------ rendering

  function button(label, testid, onClick, secondary) {
    return el("button", { type: "button", "class": secondary ? "secondary" : null, "data-testid": testid, text: label, on: { click: onClick } });
  }

  function queuedFor(predicate) {
    return state.items.some(function (i) { return i.status !== "synced" && predicate(i); });
  }

  function renderOutbox() {
    var list = $("outbox");
    list.innerHTML = "";
    var open = state.items.filter(function (i) { return i.status !== "synced"; });
    $("outbox-count").textContent = String(open.length);
    if (!state.items.length) list.appendChild(el("li", { "class": "muted", text: "没有待同步的记录" }));
    state.items.forEach(function (item) {
      var target = item.kind === "alert_verification" ? "预警 " + (item.payload.alert_label || "#" + item.payload.alert) : householdLabel(item.payload.household);
      var status = STATUS_LABELS[item.status] || item.status;
      var line = el("li", { "data-testid": "outbox-item", "data-status": item.status, "data-kind": item.kind, "data-key": item.key }, [
        el("span", { "class": "badge " + (item.status === "synced" ? "green" : item.status === "pending" ? "yellow" : "red"), "data-testid": "item-status", text: status }),
        " " + KIND_LABELS[item.kind] + " · " + target,
        el("div", { "class": "detail", text: "填写于 " + clock(item.typed_at) + (item.synced_at ? " · 同步于 " + clock(item.synced_at) : "") +
          ((item.photos || []).length ? " · 照片 " + item.photos.length + " 张" : "") + (item.summary ? " · " + item.summary : "") })
      ]);
      if (item.status === "conflict" || item.status === "invalid" || item.status === "refused") {
        line.appendChild(el("div", { "class": "field-error", "data-testid": "item-message", text: item.message }));
        line.appendChild(el("div", { "class": "actions" }, [
          state.pack ? button("修改后重新提交", "item-edit", function () { editItem(item); }, true) : null,
          button(item.status === "conflict" ? "以服务器为准，放弃我的记录" : "放弃这条记录", "item-discard", function () {
            if (window.confirm("放弃后这条记录不会再同步（填写内容会保存在服务器备查）。确定吗？")) discard(item);
          }, true)
        ]));
      }
      list.appendChild(line);
    });
  }

  function editItem(item) {
    var context = { title: householdLabel(item.payload.household), fixed: {} };
    ["household", "case", "alert", "alert_label"].forEach(function (k) { if (item.payload[k] !== undefined) context.fixed[k] = item.payload[k]; });
    openForm(item.kind, context, item);
  }

  function renderTodos() {
    var list = $("todos");
    list.innerHTML = "";
    var todos = (state.pack && state.pack.todos) || [];
    if (!todos.length) list.appendChild(el("li", { "class": "muted", text: state.pack ? "暂无待办" : "—" }));
    todos.forEach(function (t) {
      var h = household(t.household);
      var actions = [];
      if (h && h.case && t.kind === "visit") actions.push(button("记录走访", "todo-visit", function () { openVisit(h); }));
      if (h && h.case && t.kind === "investigate") actions.push(button("入户调查", "todo-investigate", function () { openInvestigation(h); }));
      list.appendChild(el("li", { "data-testid": "todo" }, [
        el("span", { "class": "badge yellow", text: t.label }), " " + (h ? h.label : t.household),
        el("div", { "class": "detail", text: "案件 " + t.case }),
        el("div", { "class": "actions" }, actions)
      ]));
    });
  }

  function openVisit(h) {
    openForm("visit", { title: h.label, fixed: { household: h.number, "case": h.case ? String(h.case.id) : "" } });
  }

  function openInvestigation(h) {
    openForm("investigation", { title: h.label, fixed: { household: h.number, "case": h.case ? String(h.case.id) : "" } });
  }

  function renderAlerts() {
    var list = $("alerts");
    list.innerHTML = "";
    var alerts = (state.pack && state.pack.alerts) || [];
    if (!alerts.length) list.appendChild(el("li", { "class": "muted", text: state.pack ? "暂无待核实的预警" : "—" }));
    alerts.forEach(function (a) {
      var queued = queuedFor(function (i) { return i.kind === "alert_verification" && String(i.payload.alert) === String(a.id); });
      list.appendChild(el("li", { "data-testid": "alert", "data-alert": String(a.id) }, [
        el("strong", { text: a.rule }), " · " + a.person + (a.household ? " · " + householdLabel(a.household) : ""),
        el("div", { "class": "detail", text: a.detail + " · " + a.raised_on }),
        el("div", { "class": "actions" }, [queued ? el("span", { "class": "badge yellow", text: "核实结果待同步" }) :
          button("核实", "alert-verify", function () {
            openForm("alert_verification", { title: a.rule + " · " + a.person, fixed: { alert: String(a.id), alert_label: a.rule + " · " + a.person } });
          })])
      ]));
    });
  }

  function renderHouseholds() {
    var list = $("households");
    list.innerHTML = "";
    var all = (state.pack && state.pack.households) || [];
    var q = state.filter.trim();
    var shown = all.filter(function (h) { return !q || h.label.indexOf(q) >= 0 || h.number.indexOf(q) >= 0; }).slice(0, 200);
    if (!shown.length) list.appendChild(el("li", { "class": "muted", text: state.pack ? "没有找到住户" : "本机没有网格数据：请联网并登录后打开本页" }));
    shown.forEach(function (h) {
      var actions = [];
      var queued = queuedFor(function (i) { return i.payload && i.payload.household === h.number; });
      if (!h.case) {
        actions.push(button("登记发现", "household-discover", function () {
          openForm("discovery", { title: h.label, fixed: { household: h.number } });
        }));
      } else {
        if (h.case.can_visit) actions.push(button("记录走访", "household-visit", function () { openVisit(h); }));
        if (h.case.can_investigate) actions.push(button("入户调查", "household-investigate", function () { openInvestigation(h); }));
      }
      list.appendChild(el("li", { "data-testid": "household", "data-number": h.number }, [
        el("span", { text: h.label }),
        queued ? el("span", { "class": "badge yellow", text: " 有待同步记录" }) : null,
        el("div", { "class": "detail", text: h.number + (h.grid ? " · " + h.grid : "") + (h.case ? " · 案件 " + h.case.number + "（" + h.case.stage_label + "）" : "") }),
        el("div", { "class": "actions" }, actions)
      ]));
    });
  }

  function render() {
    var online = navigator.onLine;
    var net = $("net-status");
    net.textContent = online ? "在线" : "离线";
    net.className = "badge " + (online ? "green" : "yellow");
    $("offline-user").textContent = state.pack ? state.pack.user.name : "";
    if (state.pack) {
      $("max-age").textContent = String(state.pack.max_age_hours || 12);
      $("pack-status").textContent = "网格数据更新于 " + clock(new Date(state.pack.fetched_at).toISOString()) +
        "（住户 " + state.pack.households.length + " 户，预警 " + state.pack.alerts.length + " 条）" +
        (state.syncing ? " · 正在同步…" : "");
    } else {
      $("pack-status").textContent = online ? "正在下载网格数据…" : "本机没有网格数据";
    }
    var session = $("session-status");
    var waiting = state.items.filter(function (i) { return i.status === "pending" || i.status === "other_user"; }).length;
    if (state.expired) {
      session.hidden = false;
      var notice = "登录已过期：请先重新登录，" + (waiting ? "登录后将自动同步本机的 " + waiting + " 条记录（记录保留在本机）。" : "再继续工作。") + " ";
      // Rebuilt only when the words change: replacing the link on every render (syncs render
      // often) could swallow a tap that lands between its press and its release.
      if (session.getAttribute("data-notice") !== notice) {
        session.setAttribute("data-notice", notice);
        session.innerHTML = "";
        session.appendChild(document.createTextNode(notice));
        session.appendChild(el("a", { href: "/accounts/login/?next=/offline/", "data-testid": "login-link", text: "重新登录" }));
      }
    } else {
      session.removeAttribute("data-notice");
      session.hidden = true;
    }
    $("sync-now").disabled = state.syncing || !online;
    renderOutbox();
    renderTodos();
    renderAlerts();
    renderHouseholds();
    document.body.setAttribute("data-ready", "1");
    document.body.setAttribute("data-syncing", state.syncing ? "1" : "0");
  }

  function logout() {
    var pending = state.items.filter(function (i) { return i.status !== "synced"; }).length;
    if (pending && !window.confirm("本机还有 " + pending + " 条离线记录未同步。退出将删除本机上的全部离线数据（包括这些记录）。确定退出吗？")) return;
    var done = function (csrf) {
      store.clearAll().then(function () {
        if (!csrf) { location.href = "/accounts/login/"; return; }
        var form = el("form", { method: "post", action: "/accounts/logout/" }, [el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrf })]);
        form.dataset.cleared = "1";
        document.body.appendChild(form);
        form.submit();
      });
    };
    if (!navigator.onLine) { done(null); return; }
    checkSession().then(function (s) { done(s ? s.csrf : null); }, function () { done(null); });
  }

  function start() {
    $("sync-now").addEventListener("click", function () {
      state.items.forEach(function (i) { if (i.status === "other_user") i.status = "pending"; });
      syncAll();
    });
    $("offline-logout").addEventListener("click", logout);
    $("household-search").addEventListener("input", function (e) { state.filter = e.target.value; renderHouseholds(); });
    window.addEventListener("online", function () { render(); syncAll().then(refreshPack); });
    window.addEventListener("offline", render);
    if (navigator.serviceWorker) {
      navigator.serviceWorker.ready.then(function (registration) {
        document.body.setAttribute("data-sw", "ready");
        if (!navigator.serviceWorker.controller && registration.active) {
          registration.active.postMessage("claim"); // missed the worker's claim (sw.js)
        }
      });
    }
    Promise.all([store.getPack(), loadItems()]).then(function (results) {
      var pack = results[0];
      if (pack && packIsStale(pack)) {
        pack = null;
        return store.clearPack();
      }
      state.pack = pack || null;
      return undefined;
    }).then(function () {
      render();
      return refreshPack();
    }).then(syncAll)["catch"](function (e) { flash("本机存储不可用：" + e, "error"); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
