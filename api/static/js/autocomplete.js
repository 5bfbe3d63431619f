// Territory and commune autocomplete from /api/territories, into the field's <datalist>: the field
// still takes a typed code without JavaScript.
(function () {
  "use strict";
  document.querySelectorAll("[data-autocomplete]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var communesOnly = input.dataset.autocomplete === "commune";
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { return; }
      timer = setTimeout(function () {
        fetch("/api/territories?limit=8&q=" + encodeURIComponent(q))
          .then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .then(function (body) {
            list.replaceChildren();
            body.items.filter(function (t) { return !communesOnly || t.kind === "commune"; })
              .forEach(function (t) {
                var option = document.createElement("option");
                option.value = communesOnly ? t.code : t.id;
                option.label = t.label;
                option.textContent = t.label;
                list.appendChild(option);
              });
          });
      }, 150);
    });
  });
})();
