"""The API's routers: ask, documents, feedback and health."""

from fastapi import Request

from api.service import Service


def service_of(request: Request) -> Service:
    """The running server's `Service`, set on the app when it is built."""
    service: Service = request.app.state.service
    return service
