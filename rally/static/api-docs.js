// The API documentation page: Swagger UI (served by the app itself) over the OpenAPI
// document whose address the page gives in data-spec.
document.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec"),
    domNode: root,
    deepLinking: false,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // No request to swagger.io's validator.
    validatorUrl: null,
  });
});
