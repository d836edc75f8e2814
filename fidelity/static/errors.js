// After a refused form, the list of what was wrong takes the focus (templates/_errors.html): a screen reader reads
// it, the keyboard goes on from it, and the page scrolls to it.
"use strict";
const summary = document.querySelector("[data-focus-on-load]");
if (summary) {
  summary.focus();
}
