// GOV.UK Frontend styles its components for JavaScript only when the body says the browser can run
// them: browsers that understand ES modules (and so `noModule`) are the ones it supports.
document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("govuk-frontend-supported");
}
