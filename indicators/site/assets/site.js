// Draw each chart from the JSON beside it once plotly.min.js (loaded with defer) is there.
// Without JavaScript the page still reads: every chart's numbers are in the table under it.
(function () {
  "use strict";
  // Deferred scripts run in order: plotly.min.js has been evaluated by now (bench_site.py
  // reads this mark to tell evaluating plotly.js from drawing).
  if (window.performance && performance.mark) { performance.mark("site-js"); }
  var config = { displayModeBar: false, responsive: true, displaylogo: false };
  function draw(el) {
    var data = document.getElementById(el.getAttribute("data-figure"));
    if (!data || !window.Plotly) { return; }
    var fig = JSON.parse(data.textContent);
    var layout = fig.layout || {};
    layout.autosize = true;
    delete layout.width;
    window.Plotly.newPlot(el, fig.data || [], layout, config).then(function () {
      el.style.minHeight = "";
    });
  }
  document.querySelectorAll(".plot[data-figure]").forEach(draw);
})();
