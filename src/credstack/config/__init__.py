"""The Django project: settings from the environment, URLs, the API, WSGI/ASGI entry points."""
