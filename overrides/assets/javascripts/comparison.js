/* Filters for the comparison page's full matrix (comparison/index.md).
 *
 * Progressive enhancement: without JavaScript the page already works (a separate
 * "Where the schools differ" table and anchored sections); this reveals the
 * filter form (hidden in the HTML) and hides rows of #comparison-matrix that do
 * not match.  It reads only the stable DOM contract the generator writes:
 *   table#comparison-matrix > tbody[data-group] > tr[data-section][data-audiences][data-differs]
 *   select#filter-section, select#filter-audience, input#differences-only,
 *   #comparison-filter-status (role="status": announces the number of rows shown).
 * Rows are hidden with the `hidden` attribute, so they leave the accessibility tree too.
 * It runs on every page load and on Material's instant navigation (document$), and
 * does nothing on pages without the matrix.
 */
(function () {
  "use strict";

  /* Material wraps each table in a scrolling box; on a narrow screen a keyboard user must be able to
     focus that box to scroll it (WCAG 2.1.1, axe "scrollable-region-focusable"). */
  function focusableScrollBoxes() {
    Array.prototype.forEach.call(document.querySelectorAll("table[id^='comparison-']"), function (table) {
      var box = table.closest(".md-typeset__scrollwrap");
      var caption = table.querySelector("caption");
      if (box && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption ? caption.textContent : "Table");
      }
    });
  }

  function setUp() {
    focusableScrollBoxes();
    window.setTimeout(focusableScrollBoxes, 0);
    var table = document.getElementById("comparison-matrix");
    var form = document.getElementById("comparison-filters");
    if (!table || !form || form.dataset.ready === "true") {
      return;
    }
    var section = document.getElementById("filter-section");
    var audience = document.getElementById("filter-audience");
    var differences = document.getElementById("differences-only");
    var status = document.getElementById("comparison-filter-status");
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-section]"));

    function apply() {
      var wanted = section.value;
      var who = audience.value;
      var onlyDifferences = differences.checked;
      var shown = 0;
      rows.forEach(function (row) {
        var audiences = (row.dataset.audiences || "").split(" ");
        var visible =
          (!wanted || row.dataset.section === wanted) &&
          (!who || audiences.indexOf(who) !== -1) &&
          (!onlyDifferences || row.dataset.differs === "true");
        row.hidden = !visible;
        if (visible) {
          shown += 1;
        }
      });
      Array.prototype.forEach.call(table.querySelectorAll("tbody[data-group]"), function (group) {
        group.hidden = !group.querySelector("tr[data-section]:not([hidden])");
      });
      status.textContent = "Showing " + shown + " of " + rows.length + " clauses.";
    }

    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    form.hidden = false;
    form.dataset.ready = "true";
    apply();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
