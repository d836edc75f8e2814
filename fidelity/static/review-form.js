// Progressive enhancement for the scoring page: the summary panel follows the scores as they are chosen, and
// leaving with unsaved changes asks first. Without JavaScript the page works the same; the panel updates on save.
(function () {
  "use strict";
  var form = document.querySelector("form[data-summary-url]");
  if (!form) { return; }
  var panel = document.getElementById("summary");
  var dirty = false;
  var timer = null;

  function refresh() {
    var params = new URLSearchParams();
    form.querySelectorAll("input[type=radio][name^='score_']:checked").forEach(function (input) {
      params.append(input.name, input.value);
    });
    fetch(form.dataset.summaryUrl + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { panel.innerHTML = html; } })
      .catch(function () { /* the panel catches up on the next save */ });
  }

  form.addEventListener("change", function (event) {
    dirty = true;
    var target = event.target;
    if (target.name && target.name.indexOf("score_") === 0) {
      var item = target.closest("fieldset.item");
      if (item) { item.classList.add("scored"); }
      clearTimeout(timer);
      timer = setTimeout(refresh, 150);
    }
  });
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
})();
