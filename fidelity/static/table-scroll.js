// Progressive enhancement of the tables wider than the window, each in a scrolling region (.table-scroll):
// - a line above it says it scrolls sideways, while it does not fit (a touch screen shows no scroll bar);
//   the body's data-scroll-hint, or the region's own;
//   the region's own label says so to a screen reader, so the line is hidden from one;
// - a table that reads in time from left to right (a unit's item scores, review by review, data-start="end")
//   opens scrolled to its newest columns; its first column stays.
// Without JavaScript the tables scroll the same, open at their start, and say nothing.
(function () {
  "use strict";
  var tableText = document.body.getAttribute("data-scroll-hint");
  document.querySelectorAll(".table-scroll").forEach(function (region) {
    // A region that holds something else than a table (a chart) says so itself.
    var text = region.getAttribute("data-scroll-hint") || tableText;
    if (region.getAttribute("data-start") === "end") {
      region.scrollLeft = region.scrollWidth;
    }
    if (!text) {
      return;
    }
    var hint = document.createElement("p");
    hint.className = "scroll-hint";
    hint.setAttribute("aria-hidden", "true");
    hint.textContent = text;
    region.parentNode.insertBefore(hint, region);
    function fits() {
      hint.hidden = region.scrollWidth <= region.clientWidth + 1;
    }
    fits();
    window.addEventListener("resize", fits);
  });
})();
