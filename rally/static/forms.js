// Small behaviours of forms, kept out of the templates (the Content-Security-Policy refuses
// inline on...= handlers). Without JavaScript the forms work as plain forms.
//   <input data-select-on-focus>  selects its whole text on focus, ready to copy;
//   <form data-confirm="...">     asks that question before sending (the text comes from
//                                 the template, translated there).
(function () {
  "use strict";
  document.addEventListener("focusin", function (event) {
    var input = event.target;
    if (input.hasAttribute && input.hasAttribute("data-select-on-focus")) {
      input.select();
    }
  });
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
