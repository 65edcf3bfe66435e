// An accessible autocomplete (GOV.UK's accessible-autocomplete) over a select of countries or
// languages, so that people can type "UK", "fr" or "Germ" rather than scroll a list of 250.
//
// Progressive enhancement: the page holds a GOV.UK select, which works without JavaScript and
// is what the form posts. This module replaces it on screen with a text box that suggests its
// options, found by name, by code, or by the other names an option lists in `data-synonyms`
// ("GB|UK|Great Britain"), and keeps the select's value in step with what is chosen. init.js
// loads it for every select marked with `data-app-module`, which also names the library's
// script and style (`data-autocomplete-script`, `data-autocomplete-style`), so that each comes
// by its hashed static address.

function fold(text) {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/\./g, "")
    .replace(/\s+/g, " ")
    .trim();
}

function loadStyle(href) {
  if (!href || document.querySelector(`link[href="${CSS.escape(href)}"]`)) {
    return;
  }
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  document.head.append(link);
}

// Options as suggestions: the text shown, the value posted, and every name that finds it.
function optionsOf(select) {
  return [...select.options]
    .filter((option) => option.value)
    .map((option) => {
      const label = option.textContent.trim();
      const synonyms = (option.dataset.synonyms || "").split("|").filter(Boolean);
      return { label, value: option.value, names: [label, ...synonyms].map(fold) };
    });
}

// Best first: a name or code typed in full ("uk", "de"), then names starting with what was
// typed, then names with a word starting with it, then names containing it.
function rank(entry, query) {
  let best = Infinity;
  for (const name of entry.names) {
    if (name === query) {
      best = Math.min(best, 0);
    } else if (name.startsWith(query)) {
      best = Math.min(best, 1);
    } else if (name.split(/[\s,()-]+/).some((word) => word.startsWith(query))) {
      best = Math.min(best, 2);
    } else if (name.includes(query)) {
      best = Math.min(best, 3);
    }
  }
  return best;
}

function search(entries, typed) {
  const query = fold(typed);
  if (!query) {
    return [];
  }
  return entries
    .map((entry, index) => ({ entry, index, score: rank(entry, query) }))
    .filter((found) => found.score !== Infinity)
    .sort((a, b) => a.score - b.score || a.index - b.index)
    .map((found) => found.entry.label);
}

function enhance(select) {
  if (select.dataset.autocompleteReady) {
    return;
  }
  select.dataset.autocompleteReady = "true";
  const entries = optionsOf(select);
  const byLabel = new Map(entries.map((entry) => [entry.label, entry.value]));
  const selected = select.options[select.selectedIndex];
  const hasError = select.classList.contains("govuk-select--error");
  window.accessibleAutocomplete.enhanceSelectElement({
    selectElement: select,
    defaultValue: select.value && selected ? selected.textContent.trim() : "",
    autoselect: true,
    confirmOnBlur: true,
    showAllValues: false,
    minLength: 1,
    displayMenu: "overlay",
    inputClasses: hasError ? "govuk-input--error" : "",
    source: (query, populate) => populate(search(entries, query)),
    onConfirm: (label) => {
      if (label !== undefined) {
        select.value = byLabel.get(label) || "";
      }
    },
    tNoResults: () => "No results found",
  });
  // Emptying the box clears the answer, as choosing the select's first option would.
  const input = document.getElementById(select.id.replace(/-select$/, ""));
  input?.addEventListener("change", () => {
    if (!input.value.trim()) {
      select.value = "";
    }
  });
  input?.addEventListener("blur", () => {
    if (!input.value.trim()) {
      select.value = "";
    }
  });
}

export function init(selects) {
  const first = selects[0];
  if (!first) {
    return;
  }
  loadStyle(first.dataset.autocompleteStyle);
  import(first.dataset.autocompleteScript)
    .then(() => {
      if (window.accessibleAutocomplete) {
        selects.forEach(enhance);
      }
    })
    .catch(() => {
      // Without the library, the selects stay selects: they work as they are.
    });
}
