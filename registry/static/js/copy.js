// A "Copy" button for text a reader is meant to copy, such as a label's badge embed code.
//
// Progressive enhancement: the markup holds the text in a read-only textarea, which anyone can
// select and copy, and the button with the `hidden` attribute, so without JavaScript (or without
// a way to copy) the button never shows. Markup:
//
//   <div data-module="app-copy" data-copy-target="ID OF THE TEXTAREA">
//     <textarea id="…" readonly>…</textarea>
//     <button type="button" class="govuk-button govuk-button--secondary app-copy__button" hidden>…</button>
//     <span class="app-copy__status" aria-live="polite"></span>
//   </div>
//
// The live region says "Copied" (or how to copy by hand if the browser refused), and is emptied
// again after a while so that copying twice is announced twice.

const MESSAGE_SECONDS = 5;

function canCopy() {
  return Boolean(navigator.clipboard?.writeText) || Boolean(document.queryCommandSupported?.("copy"));
}

async function copyText(target) {
  const text = "value" in target ? target.value : target.textContent;
  if (navigator.clipboard?.writeText && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Refused (no permission, or the page lost focus): fall back to copying a selection.
    }
  }
  target.select?.();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  }
}

function announce(status, message) {
  window.clearTimeout(status.clearTimer);
  // Emptied first, so the same message twice is still a change that screen readers announce.
  status.textContent = "";
  window.setTimeout(() => {
    status.textContent = message;
    status.clearTimer = window.setTimeout(() => {
      status.textContent = "";
    }, MESSAGE_SECONDS * 1000);
  }, 50);
}

function liveRegion(module) {
  let status = module.querySelector(".app-copy__status");
  if (!status) {
    status = document.createElement("span");
    status.className = "app-copy__status govuk-visually-hidden";
    status.setAttribute("aria-live", "polite");
    module.append(status);
  }
  return status;
}

function initCopy(module) {
  const target = document.getElementById(module.dataset.copyTarget || "");
  const button = module.querySelector(".app-copy__button");
  if (!target || !button || module.dataset.copyReady || !canCopy()) {
    return;
  }
  module.dataset.copyReady = "true";
  const status = liveRegion(module);
  button.addEventListener("click", async () => {
    const copied = await copyText(target);
    if (copied) {
      button.focus(); // a fallback copy selected the text; the reader stays on the button
      announce(status, "Copied");
    } else {
      target.focus();
      target.select?.();
      announce(status, "Your browser did not copy it: the text is selected, copy it yourself");
    }
  });
  button.hidden = false;
}

document.querySelectorAll('[data-module="app-copy"]').forEach(initCopy);
