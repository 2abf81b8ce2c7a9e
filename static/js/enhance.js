/* Cooperation Tracker: small progressive enhancements. Every page works without this file.

   1. Search as you type in long choice lists. The page marks them with data-filter="<label of the search box>"
      and data-filter-count="{shown} of {total} shown" (both translated by the server):
        - a <fieldset data-filter> of checkboxes (the sectors): non-matching boxes are hidden, ticked ones stay;
        - a <select data-filter> (an officer, a unit): non-matching options are taken out, the chosen one and the blank
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
   7. Pickers that search on the server. A text input marked data-lookup="<URL>" (the agreement form's party rows,
      the list's party filter; templates/agreements/_party_rows.html, _filters.html) becomes a combobox: 150 ms
      after the last key it asks GET <URL>?q=<text>&limit=10 (tracker/web/lookup.py) and lists the answers
      (label and detail) in a listbox under it; Arrow keys move, Enter or a click picks, Escape closes. Picking
      writes the party's id into the hidden input data-lookup-target names (a party row's `party_id`); typing
      empties it, so the server resolves the text instead. Without a target (the filter) the input gives its name
      to a new hidden input that sends the id picked (data-lookup-value at first) or else the text typed; with
      data-lookup-reference (an agreement or source typed by number or title, templates/_macros.html
      reference_field) it sends "#<id> <label>", and the datalist of recent records is dropped. With
      data-lookup-add="<list id>" (the review screen's "Another party") picking ticks the party's box in that list,
      adding the box when the party is not shown yet, and empties the input for the next one. With
      data-lookup-new="Create a new party “{name}”" the list ends with that option; picking it sets the target to
      "new" and copies the kind and country inputs of <template id="new-party-template"> into the row. A new text
      takes away the row's "did you mean" list. A button data-add-row="<table id>" adds a row copied from
      <template id="<table id>-template"> (`__row__` replaced by the next row number) instead of submitting;
      without this script it submits and the server shows the form again with one more row.
   8. The agreement list's facets on smaller screens (templates/agreements/_facets.html). The <a class="drawer-toggle"
      href="#list-panel"> opens the drawer as the page's target without this script; here it becomes a button with
      aria-expanded that opens it (class "open") and moves the focus into it; "Close" and Escape close it and give
      the focus back to the button. On a wide screen the panel is always shown and the button hidden.
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


  /** A link to a folded-away part of the page (`#id`) becomes a button with aria-expanded that shows and hides it;
      Escape closes it and, when the focus was in it, gives the focus back to the button (an Escape already used,
      e.g. by a search box to empty itself, is left alone). `onChange(open)` runs after each change. */
  function toggleFor(link, onChange) {
    var part = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!part) { return null; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.textContent = link.textContent;
    button.setAttribute("aria-controls", part.id);
    button.setAttribute("aria-expanded", "false");
    link.parentNode.replaceChild(button, link);

    function isOpen() { return button.getAttribute("aria-expanded") === "true"; }
    function setOpen(open) {
      button.setAttribute("aria-expanded", String(open));
      if (onChange) { onChange(open); }
    }

    button.addEventListener("click", function () { setOpen(!isOpen()); });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || event.defaultPrevented || !isOpen()) { return; }
      var wasInside = part.contains(document.activeElement);
      setOpen(false);
      if (wasInside) { button.focus(); }  // the focused link is hidden now: start again from the button
    });
    return {button: button, part: part, setOpen: setOpen};
  }

  /** The "Menu" link to the folded-away menu becomes a button that shows and hides it. */
  function enhanceMenu() {
    toggleFor(document.querySelector("a.menu-toggle[href^='#']"));
  }

  /** The list's "Counts by value" link becomes a button that opens the facets' drawer, with the focus in it; its
      "Close" link becomes a button that closes it and gives the focus back. */
  function enhanceDrawer() {
    var toggle = toggleFor(document.querySelector("a.drawer-toggle[href^='#']"), function (open) {
      toggle.part.classList.toggle("open", open);
      if (open) { toggle.part.focus(); }
    });
    var close = toggle && toggle.part.querySelector("a.drawer-close");
    if (!close) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = close.className + " secondary";
    button.textContent = close.textContent;
    close.parentNode.replaceChild(button, close);
    button.addEventListener("click", function () {
      toggle.setOpen(false);
      toggle.button.focus();
    });
  }

  var LOOKUP_DELAY_MS = 150;
  var LOOKUP_LIMIT = 10;
  var ROW_PLACEHOLDER = /__row__/g;
  var RENAMED = ["id", "name", "for", "aria-describedby", "aria-controls", "data-lookup-target"];

  /** Every element of `root` (itself included) with `__row__` in its names replaced by `number`. */
  function renumber(root, number) {
    var elements = [root].concat(Array.prototype.slice.call(root.querySelectorAll("*")));
    elements.forEach(function (element) {
      RENAMED.forEach(function (name) {
        var value = element.getAttribute && element.getAttribute(name);
        if (value) { element.setAttribute(name, value.replace(ROW_PLACEHOLDER, number)); }
      });
    });
  }

  /** The row prefix of a party row's input ("parties-3-" of "parties-3-party"). */
  function rowPrefix(input) {
    var match = /^(.*-)[^-]+$/.exec(input.id);
    return match ? match[1] : "";
  }

  /** Show (or take away) the new party's kind and country inputs in the input's row. */
  function showNewParty(input, on) {
    var cell = input.closest("td") || input.parentNode;
    var added = cell.querySelector("[data-lookup-added]");
    if (!on) {
      if (added) { added.remove(); }
      return;
    }
    var template = document.getElementById("new-party-template");
    if (added || !template) { return; }
    var fields = template.content.firstElementChild.cloneNode(true);
    fields.setAttribute("data-lookup-added", "");
    var number = /-(\d+)-$/.exec(rowPrefix(input));
    renumber(fields, number ? number[1] : "0");
    cell.appendChild(fields);
  }

  function enhanceLookup(input) {
    if (input.hasAttribute("data-lookup-ready")) { return; }
    input.setAttribute("data-lookup-ready", "");
    var targetId = input.getAttribute("data-lookup-target");
    var target = targetId ? document.getElementById(targetId) : null;
    var sendsText = !target;
    var addTo = document.getElementById(input.getAttribute("data-lookup-add") || "");
    input.removeAttribute("list");  // the server's answers replace the datalist of recent records
    if (!target) {  // the filter: a hidden input of the same name sends the id picked, or the text typed
      target = document.createElement("input");
      target.type = "hidden";
      target.name = input.name;
      target.value = input.getAttribute("data-lookup-value") || input.value;
      input.removeAttribute("name");
      input.parentNode.insertBefore(target, input.nextSibling);
    }
    var list = document.createElement("ul");
    list.id = input.id + "-options";
    list.className = "lookup-options";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-lookup-label") || "");
    list.hidden = true;
    var status = document.createElement("p");
    status.id = input.id + "-status";
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    input.parentNode.insertBefore(list, input.nextSibling);
    input.parentNode.insertBefore(status, list.nextSibling);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var items = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (option, position) {
        option.setAttribute("aria-selected", position === index ? "true" : "false");
      });
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", list.children[index].id);
        list.children[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    /** The review's party list: tick the picked party there (added as a new box if not shown yet). */
    function tick(item) {
      var box = addTo.querySelector('input[type="checkbox"][value="' + String(item.id) + '"]');
      if (!box) {
        var entry = document.createElement("li");
        box = document.createElement("input");
        box.type = "checkbox";
        box.name = addTo.id;
        box.value = String(item.id);
        box.id = addTo.id + "-added-" + String(item.id);
        var name = document.createElement("label");
        name.htmlFor = box.id;
        name.textContent = item.label;
        entry.appendChild(box);
        entry.appendChild(document.createTextNode(" "));
        entry.appendChild(name);
        addTo.appendChild(entry);
      }
      box.checked = true;
      input.value = "";
      target.value = "";
      close();
      status.textContent = item.label;
    }

    function choose(item) {
      if (addTo) { tick(item); return; }
      input.value = item.label;
      target.value = input.hasAttribute("data-lookup-reference") ? "#" + item.id + " " + item.label : String(item.id);
      close();
      showNewParty(input, item.id === "new");
      status.textContent = item.label;
    }

    function option(item, index) {
      var entry = document.createElement("li");
      entry.id = list.id + "-" + index;
      entry.setAttribute("role", "option");
      entry.setAttribute("aria-selected", "false");
      var name = document.createElement("span");
      name.className = "lookup-label";
      name.textContent = item.text || item.label;
      entry.appendChild(name);
      if (item.detail) {
        var detail = document.createElement("span");
        detail.className = "lookup-detail";
        detail.textContent = item.detail;
        entry.appendChild(detail);
      }
      entry.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the focus
      entry.addEventListener("click", function () { choose(item); });
      return entry;
    }

    function show(found, text) {
      items = found.slice();
      var offerNew = input.getAttribute("data-lookup-new");
      var typed = fold(text);
      var named = found.some(function (item) { return fold(item.name || item.label) === typed; });
      if (offerNew && typed !== "" && !named) {
        items.push({ id: "new", label: text, text: offerNew.replace("{name}", text) });
      }
      list.replaceChildren.apply(list, items.map(option));
      if (!items.length) {
        var none = document.createElement("li");
        none.className = "lookup-none";
        none.textContent = input.getAttribute("data-lookup-none") || "";
        list.appendChild(none);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(found.length ? 0 : -1);
      status.textContent = String(found.length);
    }

    function ask() {
      var text = input.value.trim();
      var ticket = ++asked;
      if (text === "") { close(); return; }
      var url = input.getAttribute("data-lookup") + "?q=" + encodeURIComponent(text) + "&limit=" + LOOKUP_LIMIT;
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (found) {
          if (ticket !== asked || document.activeElement !== input) { return; }  // a newer text is on its way
          if (found) { show(found, text); }  // refused or signed out: the server resolves the text on saving
        })
        .catch(function () { /* offline: the text is still resolved by the server */ });
    }

    input.addEventListener("input", function () {
      target.value = sendsText ? input.value : "";
      showNewParty(input, false);
      var cell = input.closest("td") || input.closest(".add-party");
      var stale = cell ? cell.querySelector(".did-you-mean") : document.getElementById(input.id + "-choice");
      if (stale) { stale.remove(); }
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, LOOKUP_DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && items.length > 0;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!open) { if (input.value.trim() !== "") { ask(); } return; }
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + items.length) % items.length);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();  // pick, rather than submit the form
        choose(items[active]);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  /** "Add another party": a row copied from the table's template, numbered after the last one, no submission. */
  function enhanceAddRow(button) {
    var table = document.getElementById(button.getAttribute("data-add-row"));
    var template = document.getElementById(button.getAttribute("data-add-row") + "-template");
    if (!table || !template) { return; }
    var body = table.tBodies[0];
    var most = parseInt(table.getAttribute("data-max-rows") || "50", 10);
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var numbers = Array.prototype.map.call(body.querySelectorAll("input[data-lookup]"), function (input) {
        var found = /-(\d+)-[^-]+$/.exec(input.id);
        return found ? parseInt(found[1], 10) : -1;
      });
      if (numbers.length >= most) { return; }
      var next = numbers.length ? Math.max.apply(null, numbers) + 1 : 0;
      var row = template.content.firstElementChild.cloneNode(true);
      renumber(row, String(next));
      body.appendChild(row);
      row.querySelectorAll("input[data-lookup]").forEach(enhanceLookup);
      var first = row.querySelector("input[data-lookup]");
      if (first) { first.focus(); }
      if (numbers.length + 1 >= most) { button.disabled = true; }
    });
  }

  function enhanceLookups() {
    document.querySelectorAll("input[data-lookup][id]").forEach(enhanceLookup);
    document.querySelectorAll("button[data-add-row]").forEach(enhanceAddRow);
  }

  function start() {
    enhanceMenu();
    enhanceDrawer();
    document.querySelectorAll("form[data-bulk-count]").forEach(enhanceBulkForm);
    enhancePickers();
    enhanceLookups();
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
