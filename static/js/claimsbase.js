/* claimsbase: small progressive enhancements. Every page works without them.
 *
 * 1. Quick capture: selecting text in a source's body fills the capture
 *    form's quote and start offset. The body is rendered so that its text
 *    content equals the stored text, so the offset counted here is the one
 *    the server checks.
 * 2. Claim picker: the plain "find a claim" search form becomes
 *    search-as-you-type; choosing a result fills the claim number.
 * 3. Record pickers in filter forms: the number box of an actor, place,
 *    topic, outlet or source gets a search box beside it that finds records
 *    by name through the API (?q=) and fills in the chosen record's number.
 * 4. Name lists of the intake cards (claimant, relays, places, actors,
 *    topics): the name being typed after the last comma is looked up through
 *    the API, and a chosen name replaces it. A name nobody has yet is kept
 *    as typed, and the server creates the record.
 */
(function () {
  "use strict";

  function captureFromSelection(body) {
    var form = document.querySelector(".capture-form");
    if (!form) return;
    var exact = form.querySelector("[name=exact]");
    var start = form.querySelector("[name=start]");
    var status = document.getElementById("capture-status");
    if (!status) {
      status = document.createElement("p");
      status.id = "capture-status";
      status.className = "hint";
      status.setAttribute("role", "status");
      form.insertBefore(status, form.firstChild);
    }
    document.addEventListener("selectionchange", function () {
      var selection = window.getSelection();
      if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
      var range = selection.getRangeAt(0);
      if (!body.contains(range.startContainer) || !body.contains(range.endContainer)) return;
      var before = document.createRange();
      before.setStart(body, 0);
      before.setEnd(range.startContainer, range.startOffset);
      var text = range.toString();
      var offset = before.toString().length;
      var lead = text.length - text.replace(/^\s+/, "").length;
      text = text.trim();
      if (!text) return;
      exact.value = text;
      start.value = offset + lead;
      status.textContent = "Quote taken from your selection (" + text.length +
        " characters from position " + (offset + lead) + ").";
    });
  }

  function debounce(fn, wait) {
    var timer;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, wait);
    };
  }

  function enhancePicker(picker) {
    var input = picker.querySelector("input[type=search]");
    var list = picker.querySelector(".picker-results");
    var target = picker.querySelector(".link-form [name=to_claim]");
    var exclude = picker.getAttribute("data-exclude");
    if (!input || !list || !target) return;

    function choose(id) {
      target.value = id;
      Array.prototype.forEach.call(list.querySelectorAll("li"), function (li) {
        li.setAttribute("aria-selected", li.getAttribute("data-claim-id") === String(id) ? "true" : "false");
      });
      target.focus();
    }

    function render(results) {
      list.textContent = "";
      results.filter(function (r) { return String(r.id) !== exclude; }).forEach(function (r) {
        var li = document.createElement("li");
        li.setAttribute("data-claim-id", r.id);
        var button = document.createElement("button");
        button.type = "button";
        button.className = "pick";
        button.textContent = "Choose";
        button.setAttribute("data-claim-id", r.id);
        var label = document.createElement("span");
        label.textContent = " #" + r.id + " " + r.statement + " — " + r.claimant + " (" + r.status_label + ")";
        li.appendChild(button);
        li.appendChild(label);
        list.appendChild(li);
      });
      if (!list.children.length) {
        var none = document.createElement("li");
        none.textContent = "No claim matches.";
        list.appendChild(none);
      }
    }

    var search = debounce(function () {
      var q = input.value.trim();
      if (q.length < 2) { list.textContent = ""; return; }
      var url = picker.getAttribute("data-search-url") + "?q=" + encodeURIComponent(q);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { render(data.results || []); })
        .catch(function () { /* the plain search form still works */ });
    }, 200);

    input.addEventListener("input", search);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        var first = list.querySelector("button.pick");
        if (first) { event.preventDefault(); first.focus(); }
      }
    });
    picker.querySelector(".picker-search").addEventListener("submit", function (event) {
      event.preventDefault();
      search();
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest("button.pick");
      if (button) choose(button.getAttribute("data-claim-id"));
    });
  }

  // A record as a picker lists it: its name, and for a source its outlet and day,
  // so that two sources with similar titles can be told apart.
  // A claim (from the claim search) by its number, statement and claimant.
  function recordName(record) {
    var name = record.name || record.title ||
      ("#" + record.id + (record.statement ? " " + record.statement : ""));
    var outlet = record.outlet && (record.outlet.name || "");
    var day = (record.published_at || record.asserted_on || "").slice(0, 10);
    var claimant = typeof record.claimant === "string" ? record.claimant : "";
    var where = [outlet, claimant, day].filter(Boolean).join(", ");
    return where ? name + " — " + where : name;
  }

  function enhanceRecordPicker(picker) {
    var box = picker.querySelector("input[type=number]");
    var url = picker.getAttribute("data-search-url");
    if (!box || !url) return;
    var search = document.createElement("input");
    search.type = "search";
    search.autocomplete = "off";
    search.placeholder = "Type a name…";
    search.value = picker.getAttribute("data-chosen") || "";
    search.setAttribute("aria-label", "Search by name");
    var list = document.createElement("ul");
    list.className = "picker-results";
    list.id = box.id + "_results";
    list.setAttribute("aria-live", "polite");
    search.setAttribute("aria-controls", list.id);
    picker.insertBefore(search, box);
    picker.appendChild(list);
    box.classList.add("picker-number");

    function choose(id, name) {
      box.value = id;
      search.value = name;
      list.textContent = "";
    }

    var find = debounce(function () {
      var q = search.value.trim();
      if (!q) { box.value = ""; list.textContent = ""; return; }
      if (q.length < 2) return;
      fetch(url + "?page_size=8&q=" + encodeURIComponent(q),
            { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          list.textContent = "";
          (data.results || []).forEach(function (record) {
            var li = document.createElement("li");
            var button = document.createElement("button");
            button.type = "button";
            button.className = "pick";
            button.textContent = recordName(record);
            button.addEventListener("click", function () { choose(record.id, recordName(record)); });
            li.appendChild(button);
            list.appendChild(li);
          });
          if (!list.children.length) {
            var none = document.createElement("li");
            none.textContent = "Nothing matches.";
            list.appendChild(none);
          }
        })
        .catch(function () { /* the number box still works */ });
    }, 200);
    search.addEventListener("input", find);
  }

  function enhanceNames(box) {
    var url = box.getAttribute("data-names-url");
    var list = document.createElement("ul");
    list.className = "picker-results";
    list.id = box.id + "_names";
    list.setAttribute("aria-live", "polite");
    box.setAttribute("aria-controls", list.id);
    box.insertAdjacentElement("afterend", list);

    function parts() {
      var value = box.value, cut = value.lastIndexOf(",");
      return { before: cut < 0 ? "" : value.slice(0, cut + 1) + " ", typed: value.slice(cut + 1).trim() };
    }

    var find = debounce(function () {
      var typed = parts().typed;
      list.textContent = "";
      if (typed.length < 2) return;
      fetch(url + "?page_size=6&q=" + encodeURIComponent(typed),
            { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          list.textContent = "";
          (data.results || []).forEach(function (record) {
            var li = document.createElement("li");
            var button = document.createElement("button");
            button.type = "button";
            button.className = "pick";
            button.textContent = record.name;
            button.addEventListener("click", function () {
              box.value = parts().before + record.name;
              list.textContent = "";
              box.focus();
            });
            li.appendChild(button);
            list.appendChild(li);
          });
        })
        .catch(function () { /* the name as typed still works */ });
    }, 200);
    box.addEventListener("input", find);
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-names-url]"), enhanceNames);
    Array.prototype.forEach.call(document.querySelectorAll(".record-picker"), enhanceRecordPicker);
    var body = document.querySelector("#source-body[data-capture]");
    if (body) captureFromSelection(body);
    Array.prototype.forEach.call(document.querySelectorAll(".claim-picker"), enhancePicker);
  });
})();
