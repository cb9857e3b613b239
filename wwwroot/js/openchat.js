// OpenChat: only what the server cannot do; the rest is htmx. Grouped by feature, each behind on(type, selector, fn).
(function () {
  "use strict";
  var doc = document, root = doc.documentElement, finePointer = matchMedia("(pointer: fine)");

  // fn(event, closest match of selector from the target; no selector: the target)
  function on(type, selector, fn, capture) {
    doc.addEventListener(type, function (e) {
      var t = e.target, el = selector ? t.closest && t.closest(selector) : t;
      if (el) fn(e, el);
    }, capture);
  }
  function $(s) { return doc.querySelector(s); }

  // ---------- Composer ----------
  // Enter sends on a real keyboard; Shift+Enter (and Enter on touch) is a new line.
  function send() {
    var form = $("form[data-composer]"), button = $("#composer-action button[type=submit]:not([form])");
    if (form && button && !button.disabled && form.elements.text.value.trim()) form.requestSubmit(button);
  }
  on("keydown", "textarea[data-enter-send]", function (e) {
    if (e.key !== "Enter" || e.shiftKey || e.isComposing || !finePointer.matches) return;
    e.preventDefault();
    send();
  });
  // Sent, says the server: clear the composer (the question returns on the live stream).
  on("composer-reset", null, function () {
    $("form[data-composer]").reset();
    chosen = [];
    showFiles();
    stick = true;
  });
  // A key saved from the dialog a send opened sends that message; either way the composer has the focus back.
  on("composer-send", null, function () { focusComposer(); send(); });
  on("composer-focus", null, focusComposer);
  function focusComposer() {
    var box = $("#composer-message");
    if (box) box.focus({ preventScroll: true });
  }
  // Character counter near the limit; over it Send waits (the server refuses too).
  function count(form) {
    var c = form.querySelector(".composer-count"), n = form.elements.text && form.elements.text.value.length, b = form.querySelector("#composer-action [type=submit]");
    if (!c) return;
    c.hidden = n < c.dataset.from;
    c.textContent = n.toLocaleString("en") + " / " + (+c.dataset.count).toLocaleString("en");
    c.classList.toggle("is-over", n > c.dataset.count);
    if (b) b.disabled = n > c.dataset.count;
  }
  on("input", "form", function (e, form) { count(form); });
  on("reset", "form", function (e, form) { setTimeout(count, 0, form); });

  // Just became a guest: swap in the fresh antiforgery token.
  on("htmx:afterRequest", null, function (e) {
    var token = e.detail.xhr && e.detail.xhr.getResponseHeader("X-OpenChat-Token");
    if (!token) return;
    doc.querySelectorAll("[hx-headers*=RequestVerificationToken]").forEach(function (el) {
      el.setAttribute("hx-headers", JSON.stringify({ RequestVerificationToken: token }));
    });
    doc.querySelectorAll("input[name=__RequestVerificationToken]").forEach(function (input) { input.value = token; });
  });

  // ---------- Thread: opens at its latest message, sticks to the bottom within 48 px, else "Jump to latest" ----------
  var stick = true;
  function nearBottom() { return innerHeight + scrollY >= root.scrollHeight - 48; }
  function toBottom(smooth) { scrollTo({ top: root.scrollHeight, behavior: smooth ? "smooth" : "instant" }); }
  function jump() { return $("[data-jump-latest]"); }
  addEventListener("scroll", function () {
    stick = nearBottom();
    if (stick && jump()) jump().hidden = true;
  }, { passive: true });
  var observer = new MutationObserver(function () {
    if (stick) toBottom();
    else if (jump()) jump().hidden = false;
  });
  on("click", "[data-jump-latest]", function () { stick = true; toBottom(true); });
  function openThread() {
    var thread = $("#thread");
    if (!thread || thread.dataset.observed) return;
    thread.dataset.observed = 1;
    observer.disconnect();
    observer.observe(thread, { childList: true, subtree: true, characterData: true });
    // After htmx's scroll to the top, before the older-page sentinel is seen: the #hash (a search result), else the end.
    requestAnimationFrame(function () {
      var linked = location.hash && doc.getElementById(location.hash.slice(1));
      stick = !linked;
      if (linked) linked.scrollIntoView({ block: "center" }); else toBottom();
    });
  }

  // ---------- Focus: never left on <body> when what had it is swapped away ----------
  var lastFocus;
  on("focusin", null, function (e) { lastFocus = e.target; });
  function refocus() {
    if (doc.activeElement !== doc.body || !lastFocus || lastFocus.isConnected) return;
    var item = lastFocus.closest && lastFocus.closest("li[id]"), again = item && doc.getElementById(item.id);
    var target = again && again.querySelector("a") || (finePointer.matches && $("#composer-message")) || $("#main");
    lastFocus = null;
    if (target) target.focus({ preventScroll: true });
  }
  ["htmx:afterSettle", "htmx:oobAfterSwap", "htmx:sseMessage"].forEach(function (type) { on(type, null, function () { setTimeout(refocus); }); });

  // ---------- Dialogs: fragments open as modals; closing (command="close", Escape) removes them ----------
  function bind(el) {
    openThread();
    // A chat opens with the focus in its composer.
    if ((el === doc || el.querySelector("#composer-message")) && finePointer.matches && doc.activeElement === doc.body) focusComposer();
    if (!el.querySelectorAll) return;
    var dialogs = [].slice.call(el.querySelectorAll("dialog[data-modal]:not([open])"));
    if (el.matches && el.matches("dialog[data-modal]:not([open])")) dialogs.unshift(el);
    dialogs.forEach(function (dialog) {
      dialog.addEventListener("close", function () { dialog.remove(); setTimeout(refocus); });
      dialog.showModal();
    });
  }
  // A required dialog ignores Escape.
  on("cancel", "dialog[data-required]", function (e) { e.preventDefault(); }, true);

  // ---------- Menus (<details>): Escape or a click elsewhere closes them ----------
  on("keydown", "details[open]", function (e, menu) {
    if (e.key !== "Escape") return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
  on("click", null, function (e) {
    doc.querySelectorAll("details.menu[open]").forEach(function (menu) { if (!menu.contains(e.target)) menu.open = false; });
  });

  // ---------- Small actions: copy, dismiss a toast ----------
  on("click", "[data-copy]", function (e, button) {
    var source = button.dataset.copy === "code" ? button.closest(".code-block").querySelector("pre") : button.closest("article").querySelector(".prose");
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.innerText.trim()).then(function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  });
  on("click", "[data-dismiss]", function (e, toast) { toast.parentNode.remove(); });

  // ---------- Appearance: applies at once; the server stores it ----------
  on("change", "[data-appearance] input", function (e, input) {
    if (input.name === "uiTheme") root.dataset.theme = input.value;
    if (input.name === "brandTheme") root.dataset.brandTheme = input.value;
  });
  on("click", "[data-theme-toggle]", function (e, toggle) {
    if (!window.htmx) return;
    e.preventDefault();
    var dark = root.dataset.theme === "dark" || (root.dataset.theme !== "light" && matchMedia("(prefers-color-scheme: dark)").matches);
    root.dataset.theme = dark ? "light" : "dark";
    htmx.ajax("POST", "/settings/appearance", { source: toggle, values: { uiTheme: root.dataset.theme }, swap: "none" });
  });

  // ---------- Model picker combobox: arrows, Enter, Escape ----------
  function activate(box, option) {
    var old = doc.getElementById(box.getAttribute("aria-activedescendant") || "");
    if (old) old.classList.remove("is-active");
    if (!option) { box.removeAttribute("aria-activedescendant"); return; }
    option.classList.add("is-active");
    box.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  }
  function options() { return [].slice.call(doc.querySelectorAll("#model-listbox [role=option]")); }
  on("keydown", "[data-model-search]", function (e, box) {
    var k = e.key, list = options(), i = list.indexOf(doc.getElementById(box.getAttribute("aria-activedescendant") || ""));
    if (e.isComposing) return;
    if (k === "ArrowDown" || k === "ArrowUp") {
      e.preventDefault();
      activate(box, list[Math.max(0, Math.min(list.length - 1, i + (k === "ArrowDown" ? 1 : -1)))]);
    } else if (k === "Enter") {
      e.preventDefault();
      if (list[i]) list[i].click();
    } else if (k === "Escape") {
      e.preventDefault();
      box.closest("dialog").close();
    }
  });
  function bindPicker(el) {
    var box = $("[data-model-search]");
    if (el.id === "model-button" && el.isConnected) el.focus();
    if (!box) return;
    if (el.matches("[data-model-picker]")) activate(box, $("#model-listbox [aria-selected=true]") || options()[0]);
    else if (el.id === "model-listbox") activate(box, options()[0]);
  }

  // ---------- Analytics to our /e (the server checks the catalogue); off when the page says so. What the server sees
  // (key prompt, Stop, rate limits) it captures itself, once. ----------
  var queue = [], timer = 0, sseFailures = 0;
  function flush() {
    timer = 0;
    if (!queue.length) return;
    var body = JSON.stringify(queue.splice(0, 20));
    if (!(navigator.sendBeacon && navigator.sendBeacon("/e", new Blob([body], { type: "application/json" })))) {
      fetch("/e", { method: "POST", body: body, headers: { "Content-Type": "application/json" }, keepalive: true, credentials: "same-origin" }).catch(function () {});
    }
  }
  function track(event, properties) {
    var m = $("meta[name=oc-telemetry]");
    if (!m || m.content !== "on") return;
    queue.push({ event: event, properties: properties || {} });
    if (!timer) timer = setTimeout(flush, 250);
  }
  function chatId() { var m = /^\/chat\/([0-9a-f-]{36})/.exec(location.pathname); return m ? m[1] : undefined; }
  function widthBucket() { var w = innerWidth; return w < 640 ? "xs" : w < 768 ? "sm" : w < 1024 ? "md" : w < 1280 ? "lg" : "xl"; }
  addEventListener("pagehide", flush);
  on("click", "[data-track]", function (e, cta) {
    track(cta.dataset.track, { cta_id: cta.dataset.ctaId, cta_copy: cta.textContent.trim().slice(0, 80), section: cta.dataset.section, screen_width_bucket: widthBucket() });
  }, true);
  on("click", "[data-copy]", function (e, copy) { track("chat.copy_clicked", { target: copy.dataset.copy }); }, true);
  on("click", "[data-theme-toggle]", function () { setTimeout(function () { track("ui.theme_toggled", { ui_theme: root.dataset.theme }); }); }, true);
  function tabOf(el) { var m = /[?&]tab=([A-Za-z0-9]+)/.exec((el.getAttribute && el.getAttribute("sse-connect")) || ""); return m ? m[1] : undefined; }
  on("htmx:sseOpen", null, function (e) {
    track("sync.connection_state", { state: "connected", retry_count: sseFailures, tab_id: tabOf(e.target) });
    sseFailures = 0;
  });
  on("htmx:sseError", null, function (e) {
    sseFailures++;
    track("sync.connection_state", { state: sseFailures > 5 ? "failed" : "retry", retry_count: sseFailures, tab_id: tabOf(e.target) });
  });

  // ---------- Attachments: checked chips; picks, drops and pastes add up ----------
  var chosen = [];
  function sniff(f) {
    return f.slice(0, 512).arrayBuffer().then(function (b) {
      var a = new Uint8Array(b), h = String.fromCharCode.apply(null, a.slice(0, 12));
      if (/^(\x89PNG|\xFF\xD8\xFF|GIF8|RIFF[^]{4}WEBP)/.test(h)) return "image";
      if (/^%PDF-/.test(h)) return "pdf";
      return a.length && a.indexOf(0) < 0 ? "text" : "";
    });
  }
  function addFiles(list) {
    var files = [].slice.call(list), d = ($("input[data-attach]") || {}).dataset, accepts = $("#attach-button"), errors = [];
    if (d && files.length) Promise.all(files.map(sniff)).then(function (kinds) {
      files.forEach(function (f, i) {
        var total = chosen.reduce(function (t, c) { return t + c.size; }, f.size);
        var why = chosen.length >= d.maxFiles ? "count" : f.size > d.maxBytes || total > d.maxTotal ? "too_large" : accepts.dataset.accepts.indexOf(kinds[i] || "-") < 0 ? "type" : "";
        track("chat.attachment_event", { chat_id: chatId(), result: why ? "rejected" : "accepted", reason: why || undefined, file_mime: f.type || undefined, file_size_bytes: f.size, limit_bytes: +d.maxBytes });
        if (why) errors.push(f.name + ": " + (why === "type" && kinds[i] ? accepts.title : d[why]));
        else chosen.push(f);
      });
      showFiles(errors.join(" "));
    });
  }
  function showFiles(error) {
    var input = $("input[data-attach]"), list = $("#composer-files-list"), dt = new DataTransfer();
    if (!input) return;
    list.textContent = "";
    chosen.forEach(function (f, i) {
      dt.items.add(f);
      var li = doc.createElement("li");
      li.innerHTML = '<button type="button" class="chip-remove" data-remove-file=' + i + ">×</button>";
      li.firstChild.ariaLabel = "Remove " + f.name;
      li.prepend(f.name + " · " + Math.ceil(f.size / 1024) + " KB");
      list.append(li);
    });
    list.hidden = !chosen.length;
    input.files = dt.files;
    if (error != null) $("#composer-error").innerHTML = error && '<p class="form-error" role="alert"></p>';
    if (error) $("#composer-error p").textContent = error;
  }
  on("change", "input[data-attach]", function (e, input) {
    var files = [].slice.call(input.files);
    showFiles();
    addFiles(files);
  });
  on("click", "[data-remove-file]", function (e, x) { chosen.splice(x.dataset.removeFile, 1); showFiles(""); });
  ["dragover", "drop", "paste"].forEach(function (type) {
    on(type, "form[data-composer]", function (e) {
      var files = (e.dataTransfer || e.clipboardData).files;
      if (type === "paste" && !files.length) return;
      e.preventDefault();
      if (type !== "dragover") addFiles(files);
    });
  });

  on("htmx:load", null, function (e) {
    var elt = e.detail.elt;
    bind(elt);
    if (elt.matches) bindPicker(elt);
  });
  if (doc.readyState !== "loading") bind(doc); else doc.addEventListener("DOMContentLoaded", function () { bind(doc); });
})();
