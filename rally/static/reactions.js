// Reactions without a reload: a reaction form (templates/threads/_reactions.html) is sent
// with fetch and its block replaced by the server's answer, focus kept on the button
// pressed. Without JavaScript the form posts and the server redirects back to the post.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-reaction-form") || !window.fetch) {
      return;
    }
    var button = event.submitter;
    if (!button || !button.value) {
      return;
    }
    event.preventDefault();
    var block = form.closest("[data-reactions]");
    var body = new FormData(form);
    body.set("emoji", button.value);
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Rally-Partial": "1" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var fresh = holder.querySelector("[data-reactions]");
        if (!fresh) {
          throw new Error("no reactions in the answer");
        }
        block.replaceWith(fresh);
        var again = fresh.querySelector('button[value="' + button.value + '"]');
        (again || fresh.querySelector("button") || fresh).focus();
      })
      .catch(function () {
        form.submit(); // the server answers a plain post with the page and its message
      });
  });
})();
