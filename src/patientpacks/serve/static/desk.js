// The front desk page: type to find a language, titles in the chosen
// language, the review date the brand's review days give, and whether the
// chosen leaflet is publishable (asked of /status, which is told only the
// choice of leaflet, never a patient's value). The form works without it.
"use strict";

(function () {
  const form = document.getElementById("desk");
  if (!form) return;
  const data = JSON.parse(document.getElementById("desk-data").textContent);
  // The page's words, in the interface language (front_desk.html).
  const words = JSON.parse(document.getElementById("desk-words").textContent);
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
    // The date in the patient's language, isolated from the sentence around it
    // (an Arabic date would otherwise take the sentence's numbers with it).
    const dated = (day) => {
      const isolated = document.createElement("bdi");
      isolated.lang = lang;
      isolated.textContent = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: "UTC" }).format(day);
      return isolated;
    };
    // A sentence of the page's with the date where its "{date}" is.
    const withDate = (sentence, day) => {
      const [before, after = ""] = sentence.split("{date}");
      return [before, dated(day), after];
    };
    if (review.value) {
      reviewShown.replaceChildren(...withDate(words.printedAs, new Date(review.value + "T00:00:00Z")));
    } else if (treated.value && days !== undefined) {
      const day = new Date(treated.value + "T00:00:00Z");
      day.setUTCDate(day.getUTCDate() + days);
      reviewShown.replaceChildren(...withDate(words.computed, day));
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
    status.textContent = words.checking;
    try {
      const response = await fetch("/status?" + query, { headers: { Accept: "application/json" } });
      const answer = await response.json();
      if (mine !== asked) return;
      status.replaceChildren();
      const line = document.createElement("strong");
      if (answer.status === "publishable") {
        status.className = "status publishable";
        line.textContent = words.publishable;
      } else if (answer.status === "draft") {
        status.className = "status draft";
        line.textContent = words.draft;
      } else {
        status.className = "status failed";
        line.textContent = answer.status === "busy" ? words.busy : words.failed;
      }
      status.append(line);
      if (answer.reasons && answer.reasons.length && answer.status !== "busy") {
        const list = document.createElement("ul");
        list.lang = "en"; // the build's reasons are in English
        list.dir = "ltr";
        for (const reason of answer.reasons) {
          const item = document.createElement("li");
          item.textContent = reason;
          list.append(item);
        }
        status.append(list);
      }
    } catch (error) {
      if (mine === asked) status.textContent = words.unreachable;
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
