"""The application pyvoy loads inside Envoy: ``gateway.entrypoints.served_app:app``.

Configured from the environment the supervisor (entrypoints/main.py) passes on.
"""

from gateway.entrypoints.asgi import create_app

app = create_app()
