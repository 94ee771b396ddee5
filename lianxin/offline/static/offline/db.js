/* 连心离线工作：the phone's store (IndexedDB), written by hand, no library.
 *
 * Two object stores:
 *   pack   — the grid's work downloaded from /offline/pack/ (one record, key "current");
 *            deleted on logout, when the server says the session ended, and after
 *            pack.max_age_hours without a refresh.
 *   outbox — what the worker saved, in order (index "seq"), each with its idempotency key;
 *            kept until the server has applied it or the worker gave it up.
 */
(function () {
  "use strict";
  var NAME = "lianxin-offline";
  var VERSION = 1;
  var opening = null;

  function promisify(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function open() {
    if (opening) return opening;
    opening = new Promise(function (resolve, reject) {
      var request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("pack")) db.createObjectStore("pack");
        if (!db.objectStoreNames.contains("outbox")) {
          var outbox = db.createObjectStore("outbox", { keyPath: "key" });
          outbox.createIndex("seq", "seq");
        }
      };
      request.onsuccess = function () {
        var db = request.result;
        db.onversionchange = function () { db.close(); opening = null; };
        resolve(db);
      };
      request.onerror = function () { opening = null; reject(request.error); };
      request.onblocked = function () { opening = null; reject(new Error("blocked")); };
    });
    return opening;
  }

  function run(storeName, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(storeName, mode);
        var result;
        Promise.resolve(work(tx.objectStore(storeName))).then(function (value) { result = value; });
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function uuid() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  var seqCounter = 0;

  var api = {
    uuid: uuid,
    getPack: function () {
      return run("pack", "readonly", function (s) { return promisify(s.get("current")); });
    },
    putPack: function (pack) {
      return run("pack", "readwrite", function (s) { return promisify(s.put(pack, "current")); });
    },
    clearPack: function () {
      return run("pack", "readwrite", function (s) { return promisify(s.clear()); });
    },
    outboxAll: function () {
      return run("outbox", "readonly", function (s) { return promisify(s.index("seq").getAll()); });
    },
    outboxGet: function (key) {
      return run("outbox", "readonly", function (s) { return promisify(s.get(key)); });
    },
    outboxPut: function (item) {
      if (item.seq === undefined) item.seq = Date.now() * 1000 + (seqCounter++ % 1000);
      return run("outbox", "readwrite", function (s) { return promisify(s.put(item)); });
    },
    outboxDelete: function (key) {
      return run("outbox", "readwrite", function (s) { return promisify(s["delete"](key)); });
    },
    pendingCount: function () {
      return api.outboxAll().then(function (items) {
        return items.filter(function (i) { return i.status !== "synced"; }).length;
      });
    },
    /* Everything of the offline app on this device: IndexedDB, Cache Storage, the worker. */
    clearAll: function () {
      var steps = [];
      steps.push(new Promise(function (resolve) {
        var go = function () {
          var request = indexedDB.deleteDatabase(NAME);
          request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
        };
        if (opening) {
          opening.then(function (db) { db.close(); opening = null; go(); }, function () { opening = null; go(); });
        } else {
          go();
        }
      }));
      if (self.caches) {
        steps.push(caches.keys().then(function (keys) {
          return Promise.all(keys.filter(function (k) { return k.indexOf("lianxin-offline") === 0; })
            .map(function (k) { return caches["delete"](k); }));
        }));
      }
      if (navigator.serviceWorker && navigator.serviceWorker.getRegistrations) {
        steps.push(navigator.serviceWorker.getRegistrations().then(function (regs) {
          return Promise.all(regs.map(function (r) { return r.unregister(); }));
        }));
      }
      return Promise.all(steps.map(function (p) { return p["catch"](function () {}); }));
    }
  };
  self.LianxinOfflineDB = api;
})();
