// What the browser does for the secretary beyond HTML: say that a form has unsaved changes, warn
// before leaving such a page, and save with Ctrl+S (Cmd+S on a Mac). Loaded as a file of its own:
// the pages' Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var form = document.getElementById("formular");
  if (!form) {
    return;
  }
  var dirty = false;
  var submitting = false;
  var marks = document.querySelectorAll(".osparat");

  function show(changed) {
    dirty = changed;
    for (var i = 0; i < marks.length; i++) {
      marks[i].hidden = !changed;
    }
  }

  // A form shown again after a button (a new item, a removal, Ångra) holds what is not saved yet.
  if (form.getAttribute("data-osparat") === "ja") {
    show(true);
  }
  form.addEventListener("input", function () { show(true); });
  form.addEventListener("change", function () { show(true); });
  form.addEventListener("submit", function () { submitting = true; });

  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";  // the browser shows its own question: leave the page?
    }
  });

  // The live check swaps in each field's message; the field says it too (aria-invalid and its
  // red border), the same way as after saving, and stops saying it once the message is gone.
  document.addEventListener("htmx:afterSettle", function () {
    var boxes = document.querySelectorAll('.fel[id^="fel-"]');
    for (var i = 0; i < boxes.length; i++) {
      var field = document.getElementById(boxes[i].id.slice(4));
      var wrong = boxes[i].textContent.trim() !== "";
      if (field && /^(INPUT|TEXTAREA|SELECT)$/.test(field.tagName)) {
        if (wrong) {
          field.setAttribute("aria-invalid", "true");
        } else {
          field.removeAttribute("aria-invalid");
        }
        if (field.parentElement && field.parentElement.classList.contains("falt")) {
          field.parentElement.classList.toggle("har-fel", wrong);
        }
      }
    }
  });

  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && (event.key === "s" || event.key === "S")) {
      var save = form.querySelector('button[name="åtgärd"][value="spara"]');
      if (save) {
        event.preventDefault();
        if (form.requestSubmit) {
          form.requestSubmit(save);
        } else {
          save.click();
        }
      }
    }
  });
}());
