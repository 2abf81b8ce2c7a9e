/* Cooperation Tracker: small progressive enhancements. Every page works without this file.

   1. Search as you type in long choice lists. The page marks them with data-filter="<label of the search box>"
      and data-filter-count="{shown} of {total} shown" (both translated by the server):
        - a <fieldset data-filter> of checkboxes (the sectors): non-matching boxes are hidden, ticked ones stay;
        - a <select data-filter> (a party): non-matching options are taken out, the chosen one and the blank
          "none" option stay.
      The script puts a labelled <input type="search" id="<list id>-filter"> in front of the list and a live
      count <p id="<list id>-filter-count" aria-live="polite">. Enter in the box never submits the form: in a
      select it chooses the first match; Arrow Down moves to the list.
   2. A form shown again with errors moves the keyboard focus to its error summary, which lists and links them.
   3. What a typed date is read as. A partial-date input marked data-date-reading="<URL>" (templates/_dates.html)
      gets a live line <p id="<input id>-reading" aria-live="polite"> under it: "Read as: 4 October 2017 (exact
      day)" or the reason the text is no date, as the server words them (GET <URL>?text=..., tracker/web/dates.py),
      asked 400 ms after the last key. The hint goes back to its usual text (data-date-hint): without this script a
      form shown again has the reading there instead.
   4. A background job's progress. A <div data-job-status="<URL>" data-job-counting="{done} of {total}"> holding a
      <progress> and a live count (templates/jobs/_progress.html) follows GET <URL> (tracker/web/jobs.py) every
      second; once the job is finished the page is loaded again, showing the download or the error. Without this
      script the page refreshes itself and has a refresh link.
   5. The agreement list's bulk actions (templates/agreements/index.html, tracker/web/bulk_actions.py). In a
      <form data-bulk-count="{count} selected">, the header's hidden box [data-select-page] is shown and ticks or
      clears every row's box (name="selected"); the live count <p id="bulk-count" aria-live="polite"> says how many
      are ticked; ticking a row chooses "the ticked rows". Without this script the form offers "every row on this
      page" and "all matching" as choices of its own.
   6. The site menu on small screens. The header's <a class="menu-toggle" href="#site-menu"> opens the menu as the
      page's target without this script (templates/base.html, static/css/tracker.css); here it becomes a <button
      aria-expanded aria-controls="site-menu"> that shows and hides the menu, which follows it in the page, so Tab
      goes on into the menu. Escape closes an open menu and, when the focus was in it, gives the focus back to the
      button (an Escape already used, e.g. by a search box to empty itself, is left alone).
*/
(function () {
  "use strict";

  /** Lower case without accents, so "kemenperin" finds "Kemenperin" and "pemerintah" finds "Pémerintah". */
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function matches(text, query) {
    return query === "" || fold(text).indexOf(query) !== -1;
  }

  /** The search box, its label and the live count, put in front of `before`. */
  function makeBox(listId, labelText, before) {
    var wrapper = document.createElement("div");
    wrapper.className = "picker-filter";
    var label = document.createElement("label");
    var input = document.createElement("input");
    var count = document.createElement("p");
    input.type = "search";
    input.id = listId + "-filter";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-describedby", listId + "-filter-count");
    label.htmlFor = input.id;
    label.textContent = labelText;
    count.id = listId + "-filter-count";
    count.className = "picker-count";
    count.setAttribute("aria-live", "polite");
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    wrapper.appendChild(count);
    before.parentNode.insertBefore(wrapper, before);
    return { input: input, count: count };
  }

  function countText(template, shown, total) {
    return template.replace("{shown}", String(shown)).replace("{total}", String(total));
  }

  /** A fieldset of checkboxes: hide the boxes whose label does not match; ticked boxes always stay. */
  function enhanceCheckboxes(fieldset) {
    var list = fieldset.querySelector("ul[id]");
    if (!list) { return; }
    var items = Array.prototype.slice.call(list.querySelectorAll("li"));
    var box = makeBox(list.id, fieldset.getAttribute("data-filter"), list);
    var template = fieldset.getAttribute("data-filter-count") || "{shown} / {total}";

    function apply() {
      var query = fold(box.input.value);
      var shown = 0;
      items.forEach(function (item) {
        var checkbox = item.querySelector("input");
        var visible = matches(item.textContent, query) || (checkbox && checkbox.checked);
        item.hidden = !visible;
        if (visible) { shown += 1; }
      });
      box.count.textContent = query === "" ? "" : countText(template, shown, items.length);
    }

    box.input.addEventListener("input", apply);
    box.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();  // a search box must not submit the whole form
        var first = list.querySelector("li:not([hidden]) input");
        if (first) { first.focus(); }
      } else if (event.key === "ArrowDown") {
        var next = list.querySelector("li:not([hidden]) input");
        if (next) { event.preventDefault(); next.focus(); }
      } else if (event.key === "Escape" && box.input.value !== "") {
        event.preventDefault();
        box.input.value = "";
        apply();
      }
    });
  }

  /** A single select: keep only the matching options (and the chosen and blank ones), in their order. */
  function enhanceSelect(select) {
    var all = Array.prototype.slice.call(select.options);
    var box = makeBox(select.id, select.getAttribute("data-filter"), select);
    var template = select.getAttribute("data-filter-count") || "{shown} / {total}";
    var total = all.filter(function (option) { return option.value !== ""; }).length;

    function apply() {
      var query = fold(box.input.value);
      var chosen = select.value;
      var shown = 0;
      var keep = all.filter(function (option) {
        var hit = option.value !== "" && matches(option.textContent, query);
        if (hit) { shown += 1; }
        return hit || option.value === "" || option.value === chosen;
      });
      select.replaceChildren.apply(select, keep);
      select.value = chosen;
      box.count.textContent = query === "" ? "" : countText(template, shown, total);
      return keep.filter(function (option) { return option.value !== "" && matches(option.textContent, query); });
    }

    box.input.addEventListener("input", apply);
    box.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();  // choose the first match instead of submitting the form
        var hits = apply();
        if (hits.length && box.input.value.trim() !== "") {
          select.value = hits[0].value;
          select.dispatchEvent(new Event("change", { bubbles: true }));
          box.count.textContent = hits[0].textContent;
        }
      } else if (event.key === "ArrowDown") {
        event.preventDefault();
        select.focus();
      } else if (event.key === "Escape" && box.input.value !== "") {
        event.preventDefault();
        box.input.value = "";
        apply();
      }
    });
  }

  function enhancePickers() {
    document.querySelectorAll("fieldset[data-filter]").forEach(enhanceCheckboxes);
    document.querySelectorAll("select[data-filter][id]:not([multiple])").forEach(enhanceSelect);
  }

  /** After a refused submission, start the keyboard at the list of what to correct. */
  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary && !document.querySelector("[autofocus]:focus")) {
      summary.focus();
    }
  }

  var READING_DELAY_MS = 400;

  /** The live line under one date input, kept to the answer for the latest text typed. */
  function enhanceDateInput(input) {
    var line = document.createElement("p");
    line.id = input.id + "-reading";
    line.className = "hint date-reading";
    line.setAttribute("aria-live", "polite");
    input.parentNode.insertBefore(line, input.nextSibling);
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    input.setAttribute("aria-describedby", described.concat(line.id).join(" "));
    var hint = document.getElementById(input.id + "-hint");
    if (hint && input.hasAttribute("data-date-hint")) { hint.textContent = input.getAttribute("data-date-hint"); }

    var timer = null;
    var asked = 0;

    function show(text, refused) {
      line.textContent = text || "";
      line.classList.toggle("date-reading-refused", Boolean(refused));
    }

    function ask() {
      var text = input.value.trim();
      var ticket = ++asked;
      if (text === "") { show(""); return; }
      var url = input.getAttribute("data-date-reading") + "?text=" + encodeURIComponent(text);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          var json = /json/.test(response.headers.get("Content-Type") || "");
          return json ? response.json().then(function (body) { return { ok: response.ok, body: body }; }) : null;
        })
        .then(function (answer) {
          if (ticket !== asked) { return; }  // an older question answered late: a newer one is on its way
          if (!answer) { show(""); return; }  // signed out or a server fault: the form still checks on saving
          show(answer.ok ? answer.body.line : answer.body.detail, !answer.ok);
        })
        .catch(function () { if (ticket === asked) { show(""); } });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, READING_DELAY_MS);
    });
    if (input.value.trim() !== "") { ask(); }  // a recorded or re-shown date is read at once
  }

  function enhanceDateInputs() {
    document.querySelectorAll("input[data-date-reading][id]").forEach(enhanceDateInput);
  }

  var JOB_POLL_MS = 1000;

  function followJob(box) {
    var bar = box.querySelector("progress");
    var count = box.querySelector(".job-count");
    function poll() {
      fetch(box.getAttribute("data-job-status"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (job) {
          if (!job) { return; }  // signed out or gone: the refresh link still works
          if (job.finished) { window.location.reload(); return; }
          if (job.total) {
            bar.max = job.total;
            bar.value = job.done;
            count.textContent = box.getAttribute("data-job-counting")
              .replace("{done}", job.done.toLocaleString()).replace("{total}", job.total.toLocaleString());
          }
          window.setTimeout(poll, JOB_POLL_MS);
        })
        .catch(function () { window.setTimeout(poll, JOB_POLL_MS); });
    }
    window.setTimeout(poll, JOB_POLL_MS);
  }

  function enhanceBulkForm(form) {
    var all = form.querySelector("[data-select-page]");
    var boxes = Array.prototype.slice.call(form.querySelectorAll('input[type="checkbox"][name="selected"]'));
    var count = form.querySelector("#bulk-count");
    var ticked = form.querySelector('input[name="scope"][value="selected"]');
    function update() {
      var chosen = boxes.filter(function (box) { return box.checked; }).length;
      if (count) {
        count.textContent = form.getAttribute("data-bulk-count").replace("{count}", chosen.toLocaleString());
      }
      if (all) {
        all.checked = chosen > 0 && chosen === boxes.length;
        all.indeterminate = chosen > 0 && chosen < boxes.length;
      }
    }
    function changed() {
      if (ticked) { ticked.checked = true; }
      update();
    }
    if (all) {
      all.hidden = false;
      all.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = all.checked; });
        changed();
      });
    }
    boxes.forEach(function (box) { box.addEventListener("change", changed); });
    update();
  }


  /** The "Menu" link to the folded-away menu becomes a button that shows and hides it. */
  function enhanceMenu() {
    var link = document.querySelector("a.menu-toggle[href^='#']");
    var menu = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!menu) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.textContent = link.textContent;
    button.setAttribute("aria-controls", menu.id);
    button.setAttribute("aria-expanded", "false");
    link.parentNode.replaceChild(button, link);

    function isOpen() { return button.getAttribute("aria-expanded") === "true"; }
    function setOpen(open) { button.setAttribute("aria-expanded", String(open)); }

    button.addEventListener("click", function () { setOpen(!isOpen()); });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || event.defaultPrevented || !isOpen()) { return; }
      var wasInside = menu.contains(document.activeElement);
      setOpen(false);
      if (wasInside) { button.focus(); }  // the focused link is hidden now: start again from the button
    });
  }

  function start() {
    enhanceMenu();
    document.querySelectorAll("form[data-bulk-count]").forEach(enhanceBulkForm);
    enhancePickers();
    enhanceDateInputs();
    document.querySelectorAll("[data-job-status]").forEach(followJob);
    focusErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
