/*
 * The enquiry form, progressively enhanced. Everything works without this file: the server
 * checks every answer, and suggests a council from the postcode when it shows the form again.
 *
 * 1. As the person types their postcode, choose the council whose area it is in, while they
 *    have not chosen one themselves, and say so politely (an aria-live hint). The district to
 *    council map comes from a JSON data block (json_script): no inline script, so a strict
 *    Content Security Policy can forbid them.
 * 2. Error summary links move focus to the answer and scroll its label or legend into view,
 *    as GOV.UK's do (a plain link would hide the question above the top of the screen).
 */
(function () {
  "use strict";

  var POSTCODE = /^([A-Z]{1,2}[0-9][A-Z0-9]?)[0-9][ABD-HJLNP-UW-Z]{2}$/;

  function readData() {
    var element = document.getElementById("enquiry-councils");
    if (!element) {
      return null;
    }
    try {
      return JSON.parse(element.textContent);
    } catch (error) {
      return null;
    }
  }

  function district(value) {
    var match = POSTCODE.exec(value.replace(/[\s-]+/g, "").toUpperCase());
    return match ? match[1] : "";
  }

  function suggestCouncils(form, data) {
    var postcode = form.querySelector("#postcode");
    var hint = document.getElementById("council-suggestion");
    var radios = form.querySelectorAll('input[type="radio"][name="council"]');
    if (!postcode || !hint || !radios.length || !data.districts) {
      return;
    }
    var fieldset = radios[0].closest("fieldset");
    var chosenByUs = data.suggested || "";
    var touched = false;

    function radioFor(value) {
      for (var i = 0; i < radios.length; i++) {
        if (radios[i].value === value) {
          return radios[i];
        }
      }
      return null;
    }

    function current() {
      for (var i = 0; i < radios.length; i++) {
        if (radios[i].checked) {
          return radios[i].value;
        }
      }
      return "";
    }

    function describeWithHint(on) {
      var ids = (fieldset.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      var at = ids.indexOf(hint.id);
      if (on && at === -1) {
        ids.splice(Math.min(1, ids.length), 0, hint.id);
      } else if (!on && at !== -1) {
        ids.splice(at, 1);
      }
      if (ids.length) {
        fieldset.setAttribute("aria-describedby", ids.join(" "));
      } else {
        fieldset.removeAttribute("aria-describedby");
      }
    }

    function update() {
      var now = current();
      // Leave alone a council the person chose, or one chosen on a council's page.
      if (touched || (now !== "" && now !== data.notSure && now !== chosenByUs)) {
        return;
      }
      var shortName = data.districts[district(postcode.value)];
      var radio = shortName ? radioFor(shortName) : null;
      if (radio) {
        if (!radio.checked) {
          radio.checked = true;
          chosenByUs = shortName;
          var label = form.querySelector('label[for="' + radio.id + '"]');
          hint.textContent = data.message.replace("%(council)s", label ? label.textContent.trim() : "");
          describeWithHint(true);
        }
      } else if (chosenByUs && now === chosenByUs) {
        var notSure = radioFor(data.notSure);
        if (notSure) {
          notSure.checked = true;
        }
        chosenByUs = "";
        hint.textContent = "";
        describeWithHint(false);
      }
    }

    // A change event comes only from the person (setting .checked in script fires none).
    fieldset.addEventListener("change", function () {
      touched = true;
    });
    postcode.addEventListener("input", update);
  }

  function focusFromErrorSummary(summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest('a[href^="#"]');
      if (!link) {
        return;
      }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) {
        return;
      }
      var fieldset = target.closest("fieldset");
      var legend = fieldset ? fieldset.querySelector("legend") : null;
      var label = legend || document.querySelector('label[for="' + target.id + '"]');
      event.preventDefault();
      (label || target).scrollIntoView();
      target.focus({ preventScroll: true });
    });
  }

  function init() {
    var form = document.querySelector("[data-enquiry-form]");
    var data = readData();
    if (form && data) {
      suggestCouncils(form, data);
    }
    var summary = document.querySelector(".error-summary");
    if (summary) {
      focusFromErrorSummary(summary);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
