// OpenChat: only what the server cannot do; the rest is htmx.
(function () {
  "use strict";
  var doc = document;
  var finePointer = window.matchMedia("(pointer: fine)");
  var STICK_PX = 48;
  var stick = true;

  function nearBottom() {
    return window.innerHeight + window.scrollY >= doc.documentElement.scrollHeight - STICK_PX;
  }

  function jumpButton() { return doc.querySelector("[data-jump-latest]"); }

  function toBottom(smooth) {
    window.scrollTo({ top: doc.documentElement.scrollHeight, behavior: smooth ? "smooth" : "instant" });
  }

  // Enter sends on a real keyboard; Shift+Enter (and Enter on touch) is a new line.
  doc.addEventListener("keydown", function (e) {
    var box = e.target;
    if (e.key !== "Enter" || e.shiftKey || e.isComposing || !box.matches || !box.matches("textarea[data-enter-send]") || !finePointer.matches) return;
    e.preventDefault();
    var send = doc.querySelector("#composer-action button[type=submit]:not([form])");
    if (send && !send.disabled && box.value.trim()) box.form.requestSubmit(send);
  });

  // Just became a guest: swap in the fresh antiforgery token.
  doc.addEventListener("htmx:afterRequest", function (e) {
    var token = e.detail.xhr && e.detail.xhr.getResponseHeader("X-OpenChat-Token");
    if (!token) return;
    doc.querySelectorAll("[hx-headers*=RequestVerificationToken]").forEach(function (el) {
      el.setAttribute("hx-headers", JSON.stringify({ RequestVerificationToken: token }));
    });
    doc.querySelectorAll("input[name=__RequestVerificationToken]").forEach(function (input) { input.value = token; });
  });

  // Sent: clear the composer (the question returns on the live stream).
  doc.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail.elt;
    if (form && form.matches && form.matches("form[data-composer]") && e.detail.successful) {
      form.reset();
      chosen = [];
      showFiles();
      stick = true;
    }
  });

  // Character counter near the limit; over it Send waits (the server refuses too).
  function count(form) {
    var c = form.querySelector(".composer-count"), n = form.elements.text && form.elements.text.value.length, b = form.querySelector("#composer-action [type=submit]");
    if (!c) return;
    c.hidden = n < c.dataset.from;
    c.textContent = n.toLocaleString("en") + " / " + (+c.dataset.count).toLocaleString("en");
    c.classList.toggle("is-over", n > c.dataset.count);
    if (b) b.disabled = n > c.dataset.count;
  }
  doc.addEventListener("input", function (e) { if (e.target.form) count(e.target.form); });
  doc.addEventListener("reset", function (e) { setTimeout(count, 0, e.target); });

  doc.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-copy]");
    if (button) {
      var source = button.dataset.copy === "code"
        ? button.closest(".code-block").querySelector("pre")
        : button.closest("article").querySelector(".prose");
      if (!source || !navigator.clipboard) return;
      navigator.clipboard.writeText(source.innerText.trim()).then(function () {
        var label = button.textContent;
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = label; }, 1500);
      });
      return;
    }
    if (e.target.closest && e.target.closest("[data-jump-latest]")) { stick = true; toBottom(true); return; }
    var toast = e.target.closest && e.target.closest("[data-dismiss]");
    if (toast) { toast.parentNode.remove(); return; }
    var closer = e.target.closest && e.target.closest("[data-close-dialog]");
    if (closer) closer.closest("dialog").close();
  });

  // Sticky scroll within 48 px of the bottom, else "Jump to latest".
  window.addEventListener("scroll", function () {
    stick = nearBottom();
    var jump = jumpButton();
    if (jump && stick) jump.hidden = true;
  }, { passive: true });

  var observer = new MutationObserver(function () {
    if (stick) { toBottom(false); return; }
    var jump = jumpButton();
    if (jump) jump.hidden = false;
  });

  function bind(root) {
    var thread = doc.getElementById("thread");
    if (thread && !thread.dataset.observed) {
      thread.dataset.observed = "1";
      observer.disconnect();
      observer.observe(thread, { childList: true, subtree: true, characterData: true });
      stick = true;
      toBottom(false);
    }
    // Dialog fragments open as modals (the swapped root itself may be the dialog).
    root = root || doc;
    if (!root.querySelectorAll) return;
    var dialogs = Array.prototype.slice.call(root.querySelectorAll("dialog[data-modal]:not([open])"));
    if (root.matches && root.matches("dialog[data-modal]:not([open])")) dialogs.unshift(root);
    dialogs.forEach(function (dialog) {
      dialog.addEventListener("close", function () { dialog.remove(); });
      dialog.showModal();
    });
  }

  // A required dialog ignores Escape.
  doc.addEventListener("cancel", function (e) {
    if (e.target.matches && e.target.matches("dialog[data-required]")) e.preventDefault();
  }, true);

  // Appearance applies at once; the server stores it.
  var root = doc.documentElement;
  doc.addEventListener("change", function (e) {
    var input = e.target;
    if (!input.closest || !input.closest("[data-appearance]")) return;
    if (input.name === "uiTheme") root.dataset.theme = input.value;
    if (input.name === "brandTheme") root.dataset.brandTheme = input.value;
  });

  doc.addEventListener("click", function (e) {
    var toggle = e.target.closest && e.target.closest("[data-theme-toggle]");
    if (!toggle || !window.htmx) return;
    e.preventDefault();
    var dark = root.dataset.theme === "dark" || (root.dataset.theme !== "light" && window.matchMedia("(prefers-color-scheme: dark)").matches);
    var next = dark ? "light" : "dark";
    root.dataset.theme = next;
    window.htmx.ajax("POST", "/settings/appearance", { source: toggle, values: { uiTheme: next }, swap: "none" });
  });

  // Model picker combobox: arrows, Enter, Escape.
  function activate(box, option) {
    var old = doc.getElementById(box.getAttribute("aria-activedescendant") || "");
    if (old) old.classList.remove("is-active");
    if (!option) { box.removeAttribute("aria-activedescendant"); return; }
    option.classList.add("is-active");
    box.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  }

  function options() { return [].slice.call(doc.querySelectorAll("#model-listbox [role=option]")); }

  doc.addEventListener("keydown", function (e) {
    var box = e.target, k = e.key;
    if (!box.matches || !box.matches("[data-model-search]") || e.isComposing) return;
    var list = options(), i = list.indexOf(doc.getElementById(box.getAttribute("aria-activedescendant") || ""));
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

  function bindPicker(root) {
    var box = doc.querySelector("[data-model-search]");
    if (root.id === "model-button" && root.isConnected) root.focus();
    if (!box) return;
    if (root.matches("[data-model-picker]")) activate(box, doc.querySelector("#model-listbox [aria-selected=true]") || options()[0]);
    else if (root.id === "model-listbox") activate(box, options()[0]);
  }

  // Analytics to our /e (the server checks the catalogue); off when the page says so.
  var queue = [], timer = 0, sseFailures = 0, streamSince = 0;
  function on() { var m = doc.querySelector("meta[name=oc-telemetry]"); return m && m.content === "on"; }
  function flush() {
    timer = 0;
    if (!queue.length) return;
    var body = JSON.stringify(queue.splice(0, 20));
    if (!(navigator.sendBeacon && navigator.sendBeacon("/e", new Blob([body], { type: "application/json" })))) {
      fetch("/e", { method: "POST", body: body, headers: { "Content-Type": "application/json" }, keepalive: true, credentials: "same-origin" }).catch(function () {});
    }
  }
  function track(event, properties) {
    if (!on()) return;
    queue.push({ event: event, properties: properties || {} });
    if (!timer) timer = setTimeout(flush, 250);
  }
  function chatId() { var m = /^\/chat\/([0-9a-f-]{36})/.exec(location.pathname); return m ? m[1] : undefined; }
  function widthBucket() { var w = window.innerWidth; return w < 640 ? "xs" : w < 768 ? "sm" : w < 1024 ? "md" : w < 1280 ? "lg" : "xl"; }
  window.addEventListener("pagehide", flush);

  doc.addEventListener("click", function (e) {
    var t = e.target.closest ? e.target : null;
    if (!t) return;
    var cta = t.closest("[data-track]");
    if (cta) track(cta.dataset.track, { cta_id: cta.dataset.ctaId, cta_copy: cta.textContent.trim().slice(0, 80), section: cta.dataset.section, screen_width_bucket: widthBucket() });
    var copy = t.closest("[data-copy]");
    if (copy) track("chat.copy_clicked", { target: copy.dataset.copy });
    if (t.closest("[data-stop]")) track("chat.stream_stopped", { chat_id: chatId(), elapsed_ms: streamSince ? Date.now() - streamSince : undefined });
    if (t.closest("[data-theme-toggle]")) setTimeout(function () { track("ui.theme_toggled", { ui_theme: root.dataset.theme }); }, 0);
  }, true);

  doc.addEventListener("htmx:sseOpen", function (e) {
    track("sync.connection_state", { state: "connected", retry_count: sseFailures, tab_id: tabOf(e.target) });
    sseFailures = 0;
  });
  doc.addEventListener("htmx:sseError", function (e) {
    sseFailures++;
    track("sync.connection_state", { state: sseFailures > 5 ? "failed" : "retry", retry_count: sseFailures, tab_id: tabOf(e.target) });
  });
  function tabOf(el) { var m = /[?&]tab=([A-Za-z0-9]+)/.exec((el && el.getAttribute && el.getAttribute("sse-connect")) || ""); return m ? m[1] : undefined; }

  doc.addEventListener("htmx:responseError", function (e) {
    var xhr = e.detail.xhr;
    if (xhr && xhr.status === 429) {
      track("chat.rate_limited", { policy: xhr.getResponseHeader("X-RateLimit-Policy") || undefined, retry_after_s: Number(xhr.getResponseHeader("Retry-After")) || undefined, chat_id: chatId() });
    }
  });

  doc.addEventListener("htmx:load", function (e) {
    var elt = e.detail.elt;
    if (elt.querySelector && (elt.matches("[data-stop]") || elt.querySelector("[data-stop]"))) streamSince = Date.now();
    if (elt.matches && elt.matches("dialog#key-dialog")) track("openrouter.key_prompt_shown", { reason: elt.dataset.reason || "missing" });
  });

  // Attachments: checked chips; picks, drops and pastes add up.
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
    var files = [].slice.call(list), d = (doc.querySelector("input[data-attach]") || {}).dataset, accepts = doc.getElementById("attach-button"), errors = [];
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
    var input = doc.querySelector("input[data-attach]"), list = doc.getElementById("composer-files-list"), dt = new DataTransfer();
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
    if (error != null) doc.getElementById("composer-error").innerHTML = error && '<p class="form-error" role="alert"></p>';
    if (error) doc.querySelector("#composer-error p").textContent = error;
  }
  doc.addEventListener("change", function (e) {
    var files = e.target.matches("input[data-attach]") && [].slice.call(e.target.files);
    if (files) { showFiles(); addFiles(files); }
  });
  doc.addEventListener("click", function (e) {
    var x = e.target.closest && e.target.closest("[data-remove-file]");
    if (x) { chosen.splice(x.dataset.removeFile, 1); showFiles(""); }
  });
  ["dragover", "drop", "paste"].forEach(function (type) {
    doc.addEventListener(type, function (e) {
      var files = (e.dataTransfer || e.clipboardData).files;
      if (!e.target.closest || !e.target.closest("form[data-composer]") || (type === "paste" && !files.length)) return;
      e.preventDefault();
      if (type !== "dragover") addFiles(files);
    });
  });

  doc.addEventListener("htmx:load", function (e) {
    bind(e.detail.elt);
    if (e.detail.elt.matches) bindPicker(e.detail.elt);
  });
  if (doc.readyState !== "loading") bind(doc); else doc.addEventListener("DOMContentLoaded", function () { bind(doc); });
})();
