/* Cooperation Tracker: the agreement list's facet counts, fetched after the page (issue 19). The list works without
   this file.

   Counting the facets of a query reads every matching agreement, so after a write the list is shown at once with a
   placeholder (templates/agreements/_facets.html): <div id="facet-counts" data-facets-url="<URL>" aria-busy="true">
   holding "The counts are being computed." and a link to the list with the counts in it (the way without script).
   Here GET <URL> (tracker/web/agreements.py facets: the same panel, for the same query string) fills it in: its
   #facet-counts replaces the placeholder's. The panel itself stays, so the drawer (enhance.js 8.) keeps working. If
   the request fails, the link stays.
*/
(function () {
  "use strict";

  /** Put the fetched panel's counts in place of the placeholder's. */
  function fill(placeholder, html) {
    var fetched = new DOMParser().parseFromString(html, "text/html").getElementById("facet-counts");
    if (fetched) {
      placeholder.parentNode.replaceChild(document.importNode(fetched, true), placeholder);
    }
  }

  function load() {
    var placeholder = document.querySelector("#facet-counts[data-facets-url]");
    if (!placeholder || !window.fetch || !window.DOMParser) { return; }
    fetch(placeholder.getAttribute("data-facets-url"), {credentials: "same-origin", headers: {Accept: "text/html"}})
      .then(function (response) {
        if (!response.ok) { throw new Error("facets: " + response.status); }
        return response.text();
      })
      .then(function (html) { fill(placeholder, html); })
      .catch(function () { placeholder.removeAttribute("aria-busy"); });  // the link to the counts stays
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", load);
  } else {
    load();
  }
})();
