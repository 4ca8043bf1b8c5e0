// The front desk page: type to find a language, titles in the chosen
// language, the review date the brand's review days give, and whether the
// chosen leaflet is publishable (asked of /status, which is told only the
// choice of leaflet, never a patient's value). The form works without it.
"use strict";

(function () {
  const form = document.getElementById("desk");
  if (!form) return;
  const data = JSON.parse(document.getElementById("desk-data").textContent);
  const pack = document.getElementById("pack");
  const locale = document.getElementById("locale");
  const filter = document.getElementById("language-filter");
  const second = document.getElementById("second_locale");
  const brand = document.getElementById("brand");
  const treated = document.getElementById("date_of_treatment");
  const review = document.getElementById("review_appointment");
  const reviewShown = document.getElementById("review-shown");
  const status = document.getElementById("status");

  const fold = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase();

  function edition() {
    return form.querySelector('input[name="edition"]:checked').value;
  }

  function filterLanguages() {
    const wanted = fold(filter.value.trim());
    let firstShown = null;
    for (const option of locale.options) {
      const shown = !wanted || fold(option.dataset.names).includes(wanted);
      option.hidden = !shown;
      if (shown && !firstShown) firstShown = option;
    }
    const selected = locale.selectedOptions[0];
    if (firstShown && (!selected || selected.hidden)) {
      locale.value = firstShown.value;
      languageChanged();
    }
  }

  function showTitles() {
    for (const option of pack.options) {
      const title = data.titles[option.value + "/" + locale.value];
      if (title) option.textContent = title;
    }
    pack.lang = locale.value.replace("_", "-");
    pack.dir = "auto";
  }

  function showReviewDate() {
    const days = data.reviewDays[pack.value + "/" + brand.value];
    const lang = locale.value.replace("_", "-");
    // The date in the patient's language, isolated from the English around it
    // (an Arabic date would otherwise take the sentence's numbers with it).
    const dated = (day) => {
      const isolated = document.createElement("bdi");
      isolated.lang = lang;
      isolated.textContent = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: "UTC" }).format(day);
      return isolated;
    };
    if (review.value) {
      reviewShown.replaceChildren("Printed as ", dated(new Date(review.value + "T00:00:00Z")), ".");
    } else if (treated.value && days !== undefined) {
      const day = new Date(treated.value + "T00:00:00Z");
      day.setUTCDate(day.getUTCDate() + days);
      reviewShown.replaceChildren(
        "Left blank, it is printed as ", dated(day), ": " + days + " days after the treatment (the clinic's review days).",
      );
    } else {
      reviewShown.replaceChildren();
    }
  }

  let asked = 0;
  async function showStatus() {
    const query = new URLSearchParams({
      pack: pack.value, locale: locale.value, brand: brand.value, edition: edition(), second_locale: second.value,
    });
    const mine = ++asked;
    status.className = "status";
    status.textContent = "Checking whether this leaflet may be handed to a patient…";
    try {
      const response = await fetch("/status?" + query, { headers: { Accept: "application/json" } });
      const answer = await response.json();
      if (mine !== asked) return;
      status.replaceChildren();
      const line = document.createElement("strong");
      if (answer.status === "publishable") {
        status.className = "status publishable";
        line.textContent = "Publishable: it may be handed to a patient.";
      } else if (answer.status === "draft") {
        status.className = "status draft";
        line.textContent = "Draft: it prints with “DRAFT — not for patient use” on every page, because:";
      } else {
        status.className = "status failed";
        line.textContent = answer.status === "busy" ? "The server is busy; try again in a moment." : "It cannot be printed:";
      }
      status.append(line);
      if (answer.reasons && answer.reasons.length && answer.status !== "busy") {
        const list = document.createElement("ul");
        for (const reason of answer.reasons) {
          const item = document.createElement("li");
          item.textContent = reason;
          list.append(item);
        }
        status.append(list);
      }
    } catch (error) {
      if (mine === asked) status.textContent = "Could not ask the server whether this leaflet is publishable.";
    }
  }

  function languageChanged() {
    showTitles();
    showReviewDate();
    showStatus();
  }

  function editionChanged() {
    second.disabled = edition() !== "bilingual";
    showStatus();
  }

  filter.addEventListener("input", filterLanguages);
  locale.addEventListener("change", languageChanged);
  pack.addEventListener("change", () => { showReviewDate(); showStatus(); });
  brand.addEventListener("change", () => { showReviewDate(); showStatus(); });
  second.addEventListener("change", showStatus);
  for (const radio of form.querySelectorAll('input[name="edition"]')) radio.addEventListener("change", editionChanged);
  treated.addEventListener("input", showReviewDate);
  review.addEventListener("input", showReviewDate);

  second.disabled = edition() !== "bilingual";
  showTitles();
  showReviewDate();
  showStatus();
})();
