// Live preview client, injected by `python build.py serve` only (never part of a build).
// Long-polls the server's build counter: reloads after a good build, swaps
// stylesheets in place when only CSS changed (keeps the scroll position),
// shows the build errors as an overlay after a failed one.
(() => {
  "use strict";
  const me = document.currentScript;
  const epoch = me.dataset.epoch;
  let seq = -1;                         // -1: first poll answers at once with the current state
  let good = Number(me.dataset.good);   // the build this page was read from (or newer)

  const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

  async function poll() {
    for (;;) {
      let news;
      try {
        const res = await fetch(`/__preview/wait?seq=${seq}&good=${good}&epoch=${epoch}`, { cache: "no-store" });
        news = await res.json();
      } catch (e) {
        await sleep(1000);              // server restarting or stopped: keep trying quietly
        continue;
      }
      if (news.epoch !== epoch) return location.reload();
      if (news.good > good) {
        if (!(news.css_only && await swapStylesheets())) return location.reload();
        good = news.good;
      }
      seq = news.seq;
      overlay(news.errors);
    }
  }

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

  poll();
})();
