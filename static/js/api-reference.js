/* The API reference page (templates/api/reference.html): Swagger UI (static/vendor) draws the OpenAPI document that
   the page names in data-spec-url. A file of its own because the content security policy allows no inline script. */
(function () {
  "use strict";

  var root = document.getElementById("api-reference");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }

  /* The document's title and description are left out: the page has its own (one h1 for screen readers), and the
     API page it links to says the same in the reader's language. */
  function withoutInfo() {
    return {
      wrapComponents: {
        InfoContainer: function () {
          return function () {
            return null;
          };
        }
      }
    };
  }

  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    presets: [window.SwaggerUIBundle.presets.apis],
    plugins: [withoutInfo],
    layout: "BaseLayout",
    deepLinking: true,
    // No validity badge: it would be an image from an outside host.
    validatorUrl: null,
    // The token typed under Authorize lives only as long as the page, never in the browser's storage.
    persistAuthorization: false
  });
})();
