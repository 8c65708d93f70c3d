"""The API's routers: ask, documents, feedback and health."""
