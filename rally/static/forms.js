// Small behaviours of forms, kept out of the templates (the Content-Security-Policy refuses
// inline on...= handlers). Without JavaScript the forms work as plain forms.
//   <input data-select-on-focus>  selects its whole text on focus, ready to copy;
//   <form data-confirm="...">     asks that question before sending (the text comes from
//                                 the template, translated there) and sends "confirmed";
//                                 without JavaScript the server asks on a page of its own.
(function () {
  "use strict";
  document.addEventListener("focusin", function (event) {
    var input = event.target;
    if (input.hasAttribute && input.hasAttribute("data-select-on-focus")) {
      input.select();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (!question) {
      return;
    }
    if (!window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // Asked here: the server skips its own confirmation page.
    if (!form.querySelector("input[name=confirmed]")) {
      var confirmed = document.createElement("input");
      confirmed.type = "hidden";
      confirmed.name = "confirmed";
      confirmed.value = "1";
      form.appendChild(confirmed);
    }
  });
})();
