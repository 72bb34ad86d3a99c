"""The web UI's foundation: the base template every page extends and its one stylesheet.

Templates live in ``web/templates/web/``; pages extend ``web/base.html``. The stylesheet
``web/templates/web/site.css`` is inlined by the base template, so a page is one request,
needs no static file server and no JavaScript.
"""
