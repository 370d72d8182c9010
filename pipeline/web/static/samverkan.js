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

  form.addEventListener("input", function () { show(true); });
  form.addEventListener("change", function () { show(true); });
  form.addEventListener("submit", function () { submitting = true; });

  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";  // the browser shows its own question: leave the page?
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
