/* 连心离线工作 on every staff page: registers the service worker of the offline app (its scope
 * is /offline/, the rest of the site stays online-only), shows a link when records typed offline
 * wait for their sync, and empties the device's copy on logout (besides the server's
 * Clear-Site-Data header, which not every browser honours). */
(function () {
  "use strict";
  var store = self.LianxinOfflineDB;

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/offline/sw.js", { scope: "/offline/" })["catch"](function () {});
  }

  function isLogout(form) {
    return form && form.action && new URL(form.action, location.href).pathname === "/accounts/logout/";
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!isLogout(form) || !store || form.dataset.cleared) return;
    event.preventDefault();
    store.pendingCount()["catch"](function () { return 0; }).then(function (pending) {
      if (pending > 0 && !window.confirm(
        "本机还有 " + pending + " 条离线记录未同步。退出将删除本机上的全部离线数据（包括这些记录）。确定退出吗？")) {
        return;
      }
      store.clearAll().then(function () {
        form.dataset.cleared = "1";
        form.submit();
      });
    });
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    if (!store || location.pathname.indexOf("/offline/") === 0) return;
    store.pendingCount().then(function (pending) {
      if (!pending) return;
      var main = document.querySelector("main") || document.body;
      var note = document.createElement("p");
      note.className = "msg warning";
      note.setAttribute("data-testid", "offline-pending");
      var link = document.createElement("a");
      link.href = "/offline/";
      link.textContent = "本机有 " + pending + " 条离线记录待同步，去同步";
      note.appendChild(link);
      main.insertBefore(note, main.firstChild);
    })["catch"](function () {});
  });
})();
