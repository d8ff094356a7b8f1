// Register page: shows what the typed amount earns under the campaign's rule, as the
// server computes it (one stamp per step, at most the limit). Texts come from the page.
(function () {
  "use strict";
  var form = document.getElementById("purchase-form");
  var output = document.getElementById("amount-earns");
  if (!form || !output || !form.dataset.yenPerStamp) { return; }
  var step = parseInt(form.dataset.yenPerStamp, 10);
  var limit = parseInt(form.dataset.limit, 10);
  var input = form.querySelector("input[name=amount]");
  function update() {
    var yen = parseInt(input.value, 10);
    if (isNaN(yen) || yen < 0 || !step) { output.hidden = true; return; }
    var stamps = Math.min(Math.floor(yen / step), limit);
    output.textContent = output.getAttribute("data-earns-" + stamps);
    output.hidden = false;
  }
  input.addEventListener("input", update);
  update();
})();
