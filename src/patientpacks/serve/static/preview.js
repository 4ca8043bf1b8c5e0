// The translator's preview follows the catalogue: the server sends an event
// when the language's .po or a template is saved, and the page fetches
// itself again, keeping open the messages the translator opened.
"use strict";
(function () {
  const root = document.getElementById("preview");
  if (!root) return;
  const locale = root.dataset.locale;
  let refreshing = false;

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
      current.replaceWith(fresh);
      for (const details of fresh.querySelectorAll("details")) {
        if (open.has(details.dataset.number)) details.open = true;
      }
      document.title = page.title;
    } finally {
      refreshing = false;
    }
  }

  const events = new EventSource(
    "/preview/" + encodeURIComponent(locale) + "/events?since=" + encodeURIComponent(root.dataset.version),
  );
  events.addEventListener("change", refresh);
  window.addEventListener("pagehide", () => events.close());
})();
