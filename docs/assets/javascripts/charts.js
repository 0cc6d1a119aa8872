/* Kei EV Atlas charts: every chart arrives as a static SVG; the interactive Vega view is loaded only
 * when a reader asks for it (button, or pointer/keyboard focus on the chart), from the site's own copy
 * of the vega runtime. Re-rendered on Material's instant navigation and on the light/dark switch. */
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
        s.type = "module";
        s.src = RUNTIME;
        s.onload = function () { resolve(window.vegaEmbed); };
        s.onerror = function () { runtime = null; reject(new Error("could not load " + RUNTIME)); };
        document.head.appendChild(s);
      });
    }
    return runtime;
  }

  function isDark() {
    return document.body.getAttribute("data-md-color-scheme") === "slate";
  }

  function render(figure) {
    var live = figure.querySelector(".atlas-chart__live");
    var url = new URL(figure.getAttribute("data-spec"), window.location.href).href;
    figure.setAttribute("data-live", "loading");
    return loadRuntime()
      .then(function (embed) {
        return fetch(url).then(function (r) { return r.json(); }).then(function (spec) {
          return embed(live, spec, {
            actions: false, renderer: "svg", theme: isDark() ? "dark" : undefined,
            config: { background: null }
          });
        });
      })
      .then(function () {
        live.hidden = false;
        figure.querySelector(".atlas-chart__static").hidden = true;
        figure.setAttribute("data-live", "ready");
      })
      .catch(function (err) {
        figure.setAttribute("data-live", "failed");
        console.warn("Kei EV Atlas: interactive chart unavailable, the static image stays.", err);
      });
  }

  function wire(figure) {
    if (figure.hasAttribute("data-wired")) return;
    figure.setAttribute("data-wired", "");
    var button = figure.querySelector(".atlas-chart__explore");
    if (button) {
      button.hidden = false;
      button.addEventListener("click", function () { render(figure); button.hidden = true; });
    }
    var warm = function () { loadRuntime().catch(function () {}); };
    figure.addEventListener("pointerenter", warm, { once: true });
    figure.addEventListener("focusin", warm, { once: true });
  }

  function fillSiteAddress() {
    document.querySelectorAll("pre.atlas-snippet code").forEach(function (code) {
      if (code.textContent.indexOf(SITE_TOKEN) !== -1) {
        code.textContent = code.textContent.split(SITE_TOKEN).join(SITE_ROOT);
      }
    });
  }

  function wireAll() {
    document.querySelectorAll("figure.atlas-chart").forEach(wire);
    fillSiteAddress();
  }

  // Re-render live charts when the reader flips the palette.
  new MutationObserver(function () {
    document.querySelectorAll('figure.atlas-chart[data-live="ready"]').forEach(render);
  }).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(wireAll);
  } else {
    document.addEventListener("DOMContentLoaded", wireAll);
  }
})();
