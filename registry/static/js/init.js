// Start GOV.UK Frontend's components (service navigation menu, error summary, password reveal, …).
//
// The manifest static storage gives every file a hashed name, so a static `import` of
// "../govuk/govuk-frontend.min.js" would bypass it. The page instead passes the hashed URL of
// GOV.UK Frontend on this script's tag, and we import that. `then` rather than top-level `await`
// keeps older module-capable browsers (Safari 11-14) working.
const script = document.querySelector("script[data-govuk-frontend]");

if (script) {
  import(script.dataset.govukFrontend).then(({ initAll }) => initAll());
}

// The register's own enhancements: an element that needs one names the module (by its hashed
// static address) in `data-app-module`; each module's `init` is given every element naming it.
const enhancements = new Map();
for (const element of document.querySelectorAll("[data-app-module]")) {
  const src = element.dataset.appModule;
  enhancements.set(src, [...(enhancements.get(src) || []), element]);
}
for (const [src, elements] of enhancements) {
  import(src).then(({ init }) => init(elements));
}
