// Swagger UI for /openapi.json (served locally; no inline script).
window.addEventListener("load", function () {
  "use strict";
  window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui"});
});
