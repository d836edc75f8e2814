// Progressive enhancement: a table that reads in time from left to right (a unit's item scores, review by review)
// opens scrolled to its newest columns when the window is too narrow for all of it; its first column stays.
// Without JavaScript it opens at the oldest, and scrolls the same.
(function () {
  "use strict";
  document.querySelectorAll(".table-scroll[data-start='end']").forEach(function (region) {
    region.scrollLeft = region.scrollWidth;
  });
})();
