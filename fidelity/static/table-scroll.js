// Progressive enhancement of the tables wider than the window, each in a scrolling region (.table-scroll):
// - a line above it says it scrolls sideways, while it does not fit (a touch screen shows no scroll bar);
//   the body's data-scroll-hint, or the region's own;
//   the region's own label says so to a screen reader, so the line is hidden from one;
// - a table that reads in time from left to right (a unit's item scores, review by review, data-start="end")
//   opens scrolled to its newest columns; its first column stays.
// Without JavaScript the tables scroll the same, open at their start, and say nothing.
// - a region is a stop for the keyboard and a landmark for a screen reader only while its table does not fit, and it
//   is named after its table (its caption, or the heading of its section), so that two regions are told apart.
(function () {
  "use strict";
  var tableText = document.body.getAttribute("data-scroll-hint");
  document.querySelectorAll(".table-scroll").forEach(function (region) {
    // A region that holds something else than a table (a chart) says so itself.
    var text = region.getAttribute("data-scroll-hint") || tableText;
    if (region.getAttribute("data-start") === "end") {
      region.scrollLeft = region.scrollWidth;
    }
    var label = region.getAttribute("aria-label");
    var caption = region.querySelector("caption");
    var section = region.closest("section");
    var heading = section ? section.querySelector("h2, h3") : null;
    var named = (caption || heading || {}).textContent;
    if (label && named && named.trim()) {
      label = label + ": " + named.trim().replace(/\s+/g, " ");
    }
    var hint = null;
    if (text) {
      hint = document.createElement("p");
      hint.className = "scroll-hint";
      hint.setAttribute("aria-hidden", "true");
      hint.textContent = text;
      region.parentNode.insertBefore(hint, region);
    }
    function fits() {
      var whole = region.scrollWidth <= region.clientWidth + 1;
      if (hint) {
        hint.hidden = whole;
      }
      if (whole) {
        region.removeAttribute("tabindex");
        region.removeAttribute("role");
        region.removeAttribute("aria-label");
      } else {
        region.setAttribute("tabindex", "0");
        region.setAttribute("role", "region");
        if (label) {
          region.setAttribute("aria-label", label);
        }
      }
    }
    fits();
    window.addEventListener("resize", fits);
  });
})();
