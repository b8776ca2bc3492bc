// The live channel of a workshop's screen (qibu/workshop/views/live.py).
//
// Every element with `data-live` shows part of the workshop as of sequence number `data-seq`. The server's
// stream (server-sent events) says when something newer concerns this screen; the element is then fetched again
// from `data-refresh-url` and swapped in whole (htmx), so a screen that missed events catches up in one fetch.
// Where the stream cannot get through (a proxy that blocks it, or buffers it so that nothing arrives), the screen
// polls `data-poll-url` every second instead.
//
// Forms that people type into stay outside the live element (or carry hx-preserve with an id): a refresh must
// never take what someone is typing.
(function () {
  "use strict";

  var SILENCE_MS = 15000; // no event and no ping for this long: the stream is held up somewhere
  var POLL_MS = 1000;
  var STUCK_MS = 10000;

  function Live(element) {
    this.id = element.id;
    this.streamUrl = element.dataset.streamUrl;
    this.pollUrl = element.dataset.pollUrl;
    this.refreshUrl = element.dataset.refreshUrl;
    this.seq = parseInt(element.dataset.seq || "0", 10);
    this.status = document.querySelector('[data-live-status-for="' + this.id + '"]') ||
      element.querySelector("[data-live-status]");
    this.labels = {
      live: element.dataset.labelLive || "",
      polling: element.dataset.labelPolling || "",
      reconnecting: element.dataset.labelReconnecting || ""
    };
    this.inFlight = false;
    this.pending = false;
    this.source = null;
    this.pollTimer = null;
    this.silenceTimer = null;
    this.errors = 0;
  }

  Live.prototype.element = function () {
    return document.getElementById(this.id);
  };

  Live.prototype.show = function (state) {
    var status = document.querySelector('[data-live-status-for="' + this.id + '"]') ||
      (this.element() && this.element().querySelector("[data-live-status]"));
    if (status) {
      status.textContent = this.labels[state] || "";
      status.dataset.state = state;
    }
  };

  // The sequence number of what the screen shows now (its own actions' answers included).
  Live.prototype.shown = function () {
    var element = this.element();
    return element ? parseInt(element.dataset.seq || "0", 10) : 0;
  };

  Live.prototype.seen = function (seq) {
    if (seq > this.shown()) {
      this.refresh();
    }
  };

  Live.prototype.refresh = function () {
    var self = this;
    // A fetch that never settles (a dropped connection) must not hold the screen: after STUCK_MS another may go.
    if (self.inFlight && Date.now() - self.inFlightSince < STUCK_MS) {
      self.pending = true;
      return;
    }
    self.inFlight = true;
    self.inFlightSince = Date.now();
    // The screen's sequence number follows every swap (guardSwaps), this one's included.
    window.htmx.ajax("GET", self.refreshUrl, { target: "#" + self.id, swap: "outerHTML" }).then(function () {
      self.show(self.source ? "live" : "polling");
    }, function () {}).finally(function () {
      self.inFlight = false;
      if (self.pending) {
        self.pending = false;
        self.refresh();
      }
    });
  };

  Live.prototype.poll = function () {
    var self = this;
    return fetch(self.pollUrl + "?after=" + self.seq, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) { if (body) { self.seen(body.seq); } })
      .catch(function () {});
  };

  Live.prototype.startPolling = function () {
    var self = this;
    if (self.source) {
      self.source.close();
      self.source = null;
    }
    clearTimeout(self.silenceTimer);
    if (!self.pollTimer) {
      self.pollTimer = setInterval(function () { self.poll(); }, POLL_MS);
    }
    self.show("polling");
    self.poll();
  };

  Live.prototype.heard = function () {
    var self = this;
    self.errors = 0;
    clearTimeout(self.silenceTimer);
    self.silenceTimer = setTimeout(function () { self.startPolling(); }, SILENCE_MS);
  };

  Live.prototype.start = function () {
    var self = this;
    if (!window.EventSource || !self.streamUrl) {
      self.startPolling();
      return;
    }
    var source = new EventSource(self.streamUrl + "?after=" + self.seq);
    self.source = source;
    self.heard();
    source.onopen = function () { self.show("live"); self.heard(); };
    source.onmessage = function (event) {
      self.heard();
      try {
        self.seen(JSON.parse(event.data).seq);
      } catch (ignored) {}
    };
    // A quiet stream's ping (every ten seconds) also checks, by one poll, that the screen shows the newest state:
    // whatever a screen missed, it catches up within that.
    source.addEventListener("ping", function () { self.heard(); self.poll(); });
    source.onerror = function () {
      self.errors += 1;
      self.show("reconnecting");
      if (self.errors >= 2) {
        self.startPolling();
      }
    };
  };

  // A refresh that set out before one of this screen's own actions may answer after it: it must not swap into the
  // element the action replaced, nor its older state replace the newer one the action's answer showed. Every answer
  // carries the sequence number it shows (read before the rest, so the state is at least that new); an older one is
  // not swapped in.
  function seqOf(html) {
    var found = /data-seq="(\d+)"/.exec(html || "");
    return found ? parseInt(found[1], 10) : null;
  }

  function guardSwaps(lives) {
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      var target = event.detail.target;
      var live = target && lives.filter(function (l) { return l.id === target.id; })[0];
      if (!live) { return; }
      // The element it was asked for has been replaced meanwhile (by the screen's own action): swapping into the
      // detached element would take the fields kept while typing (hx-preserve) out of the page. Fetch again.
      if (!target.isConnected) {
        event.detail.shouldSwap = false;
        live.refresh();
        return;
      }
      var incoming = seqOf(event.detail.serverResponse);
      if (incoming !== null && incoming < live.shown()) {
        event.detail.shouldSwap = false;
      }
    });
    document.body.addEventListener("htmx:afterSwap", function () {
      lives.forEach(function (live) { live.seq = Math.max(live.seq, live.shown()); });
    });
  }

  function catchUp(lives) {
    lives.forEach(function (live) { live.poll(); });
  }

  function init() {
    var lives = [];
    document.querySelectorAll("[data-live]").forEach(function (element) {
      if (!element.id) { return; }
      var live = new Live(element);
      lives.push(live);
      live.start();
    });
    guardSwaps(lives);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") { catchUp(lives); }
    });
    window.addEventListener("online", function () { catchUp(lives); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
