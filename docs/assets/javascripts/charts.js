/* Kei EV Atlas charts: every chart arrives as a static SVG. The interactive view is loaded only when a
 * reader presses "Explore interactively" (never on hover or focus), from the site's own copy of the Vega
 * runtime (Vega 6.2.0 less the transforms no chart uses, see vendor/vega/SOURCE.md; no Vega-Lite), and draws the spec compiled to Vega at build time (charts/<slug>.vg.json, or .dark.vg.json),
 * so the browser compiles nothing. Tooltips answer a tap as well as a
 * hover. Re-rendered on the light/dark switch. */
(function () {
  "use strict";
  var RUNTIME = new URL("../vega/vega-runtime.js", document.currentScript.src).href;
  // The Download page's snippets name the site's own address; a build that did not know it leaves a token.
  var SITE_ROOT = new URL("../../", document.currentScript.src).href;
  var SITE_TOKEN = "https://SITE/";
  var runtime = null;

  function loadRuntime() {
    if (!runtime) {
      runtime = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = RUNTIME;
        s.onload = function () { resolve(window.vega); };
        s.onerror = function () { runtime = null; reject(new Error("could not load " + RUNTIME)); };
        document.head.appendChild(s);
      });
    }
    return runtime;
  }

  function isDark() {
    return document.body.getAttribute("data-md-color-scheme") === "slate";
  }

  // The figure names its Vega-Lite specs (desktop, and phone for the layout below 720 px, as its images);
  // the compiled Vega specs sit beside them.
  function specUrl(figure) {
    var phone = figure.getAttribute("data-spec-phone");
    var vl = phone && window.matchMedia("(max-width: 719px)").matches ? phone : figure.getAttribute("data-spec");
    return new URL(vl.replace(/\.vl\.json$/, isDark() ? ".dark.vg.json" : ".vg.json"), window.location.href).href;
  }

  // One tooltip element for the page, filled with text nodes only (values come from the data).
  var tip = null;
  function tooltipElement() {
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "atlas-tooltip";
      tip.setAttribute("role", "status");
      tip.hidden = true;
      document.body.appendChild(tip);
    }
    return tip;
  }

  function hideTooltip() {
    if (tip) tip.hidden = true;
  }

  function showTooltip(event, value) {
    if (value === undefined || value === null || value === "") { hideTooltip(); return; }
    var el = tooltipElement();
    el.textContent = "";
    if (typeof value === "object") {
      Object.keys(value).forEach(function (key) {
        var row = document.createElement("div");
        var name = document.createElement("span");
        name.className = "atlas-tooltip__key";
        name.textContent = key + " ";
        row.appendChild(name);
        row.appendChild(document.createTextNode(String(value[key])));
        el.appendChild(row);
      });
    } else {
      el.textContent = String(value);
    }
    el.hidden = false;
    // Beside the pointer or finger, kept inside the window.
    var x = event.clientX + 12, y = event.clientY + 12;
    var w = el.offsetWidth, h = el.offsetHeight;
    if (x + w > window.innerWidth - 4) x = Math.max(4, event.clientX - w - 12);
    if (y + h > window.innerHeight - 4) y = Math.max(4, event.clientY - h - 12);
    el.style.left = x + "px";
    el.style.top = y + "px";
  }

  function render(figure, moveFocus) {
    var live = figure.querySelector(".atlas-chart__live");
    figure.setAttribute("data-live", "loading");
    var spec = fetch(specUrl(figure)).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + r.url);
      return r.json();
    });
    // The runtime and the spec travel at the same time.
    return Promise.all([loadRuntime(), spec])
      .then(function (got) {
        var vega = got[0];
        if (figure.__atlasView) figure.__atlasView.finalize();
        live.textContent = "";
        // The spec is Vega already (compiled at build time): Vega parses and draws it, nothing compiles.
        var view = new vega.View(vega.parse(got[1]), { renderer: "svg", container: live, hover: true });
        view.tooltip(function (handler, event, item, value) { showTooltip(event, value); });
        return view.runAsync();
      })
      .then(function (view) {
        figure.__atlasView = view;
        // A tap is a click without a hover before it: show the mark's tooltip, or hide it off the marks.
        view.addEventListener("click", function (event, item) { showTooltip(event, item && item.tooltip); });
        live.hidden = false;
        figure.querySelector(".atlas-chart__static").hidden = true;
        figure.setAttribute("data-live", "ready");
        // The live chart is named like the image it replaces.
        if (live.hasAttribute("data-label")) live.setAttribute("aria-label", live.getAttribute("data-label"));
        if (moveFocus) live.focus();
      })
      .catch(function (err) {
        figure.setAttribute("data-live", "failed");
        var button = figure.querySelector(".atlas-chart__explore");
        if (button) button.hidden = false;
        console.warn("Kei EV Atlas: interactive chart unavailable, the static image stays.", err);
      });
  }

  function wire(figure) {
    if (figure.hasAttribute("data-wired")) return;
    figure.setAttribute("data-wired", "");
    var button = figure.querySelector(".atlas-chart__explore");
    var live = figure.querySelector(".atlas-chart__live");
    var img = figure.querySelector(".atlas-chart__static img");
    // Focus lands on the live chart after the press, and it is named like the image it replaces.
    live.setAttribute("tabindex", "-1");
    live.setAttribute("role", "group");
    if (img) live.setAttribute("data-label", "Interactive chart: " + img.getAttribute("alt"));
    if (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        button.hidden = true;
        render(figure, true);
      });
    }
  }

  function fillSiteAddress() {
    document.querySelectorAll("pre.atlas-snippet code").forEach(function (code) {
      if (code.textContent.indexOf(SITE_TOKEN) !== -1) {
        code.textContent = code.textContent.split(SITE_TOKEN).join(SITE_ROOT);
      }
    });
  }

  function wireAll() {
    hideTooltip();
    document.querySelectorAll("figure.atlas-chart[data-spec]").forEach(wire);
    fillSiteAddress();
  }

  window.addEventListener("scroll", hideTooltip, { passive: true });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hideTooltip(); });

  // Re-render live charts when the reader flips the palette.
  new MutationObserver(function () {
    document.querySelectorAll('figure.atlas-chart[data-live="ready"]').forEach(function (f) { render(f, false); });
  }).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(wireAll);
  } else {
    document.addEventListener("DOMContentLoaded", wireAll);
  }
})();
