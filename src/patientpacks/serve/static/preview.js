// The translator's preview follows the catalogue: the server sends an event
// when the language's .po or a template is saved, and the page fetches
// itself again, keeping open the messages the translator opened.
"use strict";
(function () {
  const root = document.getElementById("preview");
  if (!root) return;
  const locale = root.dataset.locale;
  let refreshing = false;

  // A highlighted message's place on a page picture, in fractions of the page.
  function placeAreas(within) {
    for (const area of within.querySelectorAll(".preview-area")) {
      for (const side of ["left", "top", "width", "height"]) {
        area.style[side] = 100 * Number(area.dataset[side]) + "%";
      }
    }
  }

  // A click on the page opens that message's details beside it.
  document.addEventListener("click", (event) => {
    const area = event.target.closest(".preview-area");
    if (!area) return;
    event.preventDefault();
    const details = document.querySelector('details[data-number="' + area.dataset.number + '"]');
    if (!details) return;
    for (const chosen of document.querySelectorAll(".preview-area.chosen")) chosen.classList.remove("chosen");
    for (const same of document.querySelectorAll('.preview-area[data-number="' + area.dataset.number + '"]')) {
      same.classList.add("chosen");
    }
    details.open = true;
    details.scrollIntoView({ block: "nearest" });
    details.querySelector("summary").focus({ preventScroll: true });
  });

  async function refresh() {
    if (refreshing) return;
    refreshing = true;
    try {
      const response = await fetch(location.href, { headers: { Accept: "text/html" } });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("preview");
      const current = document.getElementById("preview");
      if (!fresh || !current) return;
      const open = new Set([...current.querySelectorAll("details[open]")].map((d) => d.dataset.number));
      placeAreas(fresh);
      current.replaceWith(fresh);
      for (const details of fresh.querySelectorAll("details")) {
        if (open.has(details.dataset.number)) details.open = true;
      }
      document.title = page.title;
    } finally {
      refreshing = false;
    }
  }

  placeAreas(root);
  const events = new EventSource(
    "/preview/" + encodeURIComponent(locale) + "/events?since=" + encodeURIComponent(root.dataset.version),
  );
  events.addEventListener("change", refresh);
  window.addEventListener("pagehide", () => events.close());
})();
