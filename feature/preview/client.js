// Live preview client, injected by `python build.py serve` only (never part of a build).
// The reload channel is python-livereload's: this script registers a
// livereload.js plugin, then loads livereload.js (served by the preview, offline),
// which connects to the server's /livereload websocket. Every reload message
// goes through the plugin first (livereload.js's own extension point):
// - a stylesheet path: swap the <link>s in place (keeps the scroll position).
//   livereload.js's own live CSS matches the path against the old hrefs,
//   which cannot work with content-hashed names, so the new hrefs are taken
//   from the freshly built page instead;
// - the status path: a build failed; show its errors, reload nothing;
// - anything else: not ours, livereload.js reloads the page.
// On (re)connect, livereload.js sends the plugin's analyze() data: the build
// counters this page was read at, so the server can tell it what it missed.
(() => {
  "use strict";
  const me = document.currentScript;
  const STATUS = "/__preview/status";
  const page = { epoch: me.dataset.epoch, seq: Number(me.dataset.seq), good: Number(me.dataset.good) };

  async function showStatus() {
    try {
      const news = await (await fetch(STATUS, { cache: "no-store" })).json();
      if (news.epoch === page.epoch) page.seq = Math.max(page.seq, news.seq);
      overlay(news.errors);
    } catch (e) {
      // server stopped: livereload.js reconnects and the server catches us up
    }
  }

  function FeaturePreview(window, host) {
    this.reloader = host._reloader;
  }
  FeaturePreview.identifier = "feature-preview";
  FeaturePreview.version = "1";
  FeaturePreview.prototype.analyze = () => ({ epoch: page.epoch, seq: page.seq, good: page.good });
  FeaturePreview.prototype.reload = function (path) {
    if (path === STATUS) {
      showStatus();
      return true;
    }
    if (/\.css$/i.test(path)) {
      // `good` stays: if this page ever reconnects, it reloads once rather than miss a build.
      swapStylesheets().then((ok) => (ok ? showStatus() : this.reloader.reloadPage()));
      return true;
    }
    return false;
  };
  window.LiveReloadPluginFeaturePreview = FeaturePreview;   // livereload.js collects window.LiveReloadPlugin*

  // Fingerprinted names change with the content, so take the new hrefs from
  // the freshly built page and swap each <link> once its replacement loaded.
  async function swapStylesheets() {
    try {
      const html = await (await fetch(location.href, { cache: "no-store" })).text();
      const fresh = new DOMParser().parseFromString(html, "text/html").querySelectorAll('link[rel~="stylesheet"]');
      const old = document.querySelectorAll('link[rel~="stylesheet"]');
      if (fresh.length !== old.length) return false;
      const loads = [...old].map((link, i) => {
        const href = fresh[i].getAttribute("href");
        if (href === link.getAttribute("href")) return Promise.resolve(true);
        const next = link.cloneNode();
        next.setAttribute("href", href);
        return new Promise((ok) => {
          next.onload = () => { link.remove(); ok(true); };
          next.onerror = () => { next.remove(); ok(false); };
          link.after(next);
        });
      });
      return (await Promise.all(loads)).every(Boolean);
    } catch (e) {
      return false;
    }
  }

  const STYLE = `
    :host { all: initial; }
    .box { position: fixed; inset: auto 1rem 1rem 1rem; z-index: 2147483647; max-height: 60vh;
           overflow: auto; background: #fff5f5; color: #1a1a1a; border: 2px solid #b3261e;
           border-radius: 6px; box-shadow: 0 4px 24px rgba(0,0,0,.25); padding: 1rem 1.25rem;
           font: 15px/1.6 system-ui, "Noto Sans CJK SC", sans-serif; }
    h2 { margin: 0 0 .25rem; font-size: 17px; color: #b3261e; }
    p { margin: 0 0 .5rem; }
    pre { margin: 0; white-space: pre-wrap; word-break: break-word;
          font: 14px/1.5 ui-monospace, "Noto Sans Mono CJK SC", monospace; }
    button { position: absolute; top: .5rem; right: .75rem; border: 0; background: none;
             font-size: 20px; cursor: pointer; color: #1a1a1a; }`;

  function overlay(errors) {
    let host = document.getElementById("feature-preview-errors");
    if (!errors.length) {
      if (host) host.remove();
      return;
    }
    if (!host) {
      host = document.createElement("div");
      host.id = "feature-preview-errors";
      const root = host.attachShadow({ mode: "open" });
      root.innerHTML = `<style>${STYLE}</style><div class="box" role="alert" lang="zh-CN">
        <button type="button" aria-label="关闭">×</button>
        <h2>构建失败</h2><p>页面仍是上一次成功构建的版本；修正下列错误并保存，预览会自动更新。</p><pre></pre></div>`;
      root.querySelector("button").onclick = () => host.remove();
      document.documentElement.append(host);
    }
    host.shadowRoot.querySelector("pre").textContent = errors.join("\n");
  }

  // livereload.js finds its server in its own src; host= and port= make that
  // work for IPv6 literals and port 80 too; maxdelay: a restarted server is
  // found within 2 s (its default backs off to a minute).
  const lr = document.createElement("script");
  const port = location.port || (location.protocol === "https:" ? 443 : 80);
  lr.src = `/livereload.js?host=${location.hostname}&port=${port}&maxdelay=2000`;
  document.head.append(lr);
  if (page.seq > page.good) showStatus();   // read while the latest build had failed
})();
