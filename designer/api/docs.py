"""API docs that work offline: swagger-ui from the files that ship inside django-ninja, served by this API."""

from __future__ import annotations

import json
from pathlib import Path

import ninja
from django.http import FileResponse, Http404, HttpResponse
from django.template import RequestContext, Template
from django.urls import reverse
from ninja import Router
from ninja.openapi.docs import Swagger, _csrf_needed

_NINJA_STATIC = Path(ninja.__file__).parent / "static" / "ninja"
_DOCS_FILES = {"swagger-ui.css": "text/css", "swagger-ui-bundle.js": "text/javascript",
               "swagger-ui-init.js": "text/javascript", "favicon.png": "image/png"}
_DOCS_PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{{ api.title }}</title>
  <link rel="stylesheet" href="{{ base }}swagger-ui.css">
  <link rel="icon" href="{{ base }}favicon.png" type="image/png">
</head>
<body data-csrf-token="{% if add_csrf %}{{ csrf_token }}{% endif %}" data-api-csrf="{% if add_csrf %}true{% endif %}">
  <script type="application/json" id="swagger-settings">{{ swagger_settings|safe }}</script>
  <div id="swagger-ui"></div>
  <script src="{{ base }}swagger-ui-bundle.js"></script>
  <script src="{{ base }}swagger-ui-init.js"></script>
</body>
</html>
""")


class OfflineSwagger(Swagger):
    """ninja's Swagger page loads swagger-ui from a CDN unless "ninja" is an installed app; this one never does."""

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"api": api, "add_csrf": _csrf_needed(api), "swagger_settings": json.dumps(self.settings),
                   "base": reverse(f"{api.urls_namespace}:docs-static", args=["x"])[:-1]}
        return HttpResponse(_DOCS_PAGE.render(RequestContext(request, context)))


router = Router()


@router.get("/docs/static/{name}", auth=None, include_in_schema=False, url_name="docs-static")
def docs_static(request, name: str):
    if name not in _DOCS_FILES:
        raise Http404(name)
    return FileResponse((_NINJA_STATIC / name).open("rb"), content_type=_DOCS_FILES[name])
