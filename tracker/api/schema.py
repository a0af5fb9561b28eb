"""The OpenAPI schema: drf-spectacular's, plus the error answers every route can give.

drf-spectacular documents only the success of each operation. A client (and the schemathesis
run in tests/fuzz_api) must also know the refusals: 400 for bad input, 401 without valid
credentials, 403 for what the user may not do, 404 for what is out of their scope (or a page
past the end), 409 for a stale version or a state that changed, 415 for a body of a type the
operation does not take, 429 past a rate limit. Each error body carries ``detail``
(translated) and, for the project's own errors, a stable ``code`` (tracker.api.errors); a 400
from field validation maps field names to their messages instead.

Enabled by REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "tracker.api.schema.AutoSchema".
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent

ERROR = "Error"
VALIDATION_ERROR = "ValidationError"

_SCHEMAS = {
    ERROR: {
        "type": "object",
        "description": "An error: a translated message, and a stable code for the project's "
        "own errors; some carry details (e.g. the unknown unit names of an import).",
        "properties": {
            "detail": {"type": "string", "description": "translated message"},
            "code": {"type": "string", "description": "stable error code"},
        },
        "required": ["detail"],
        "additionalProperties": True,
    },
    VALIDATION_ERROR: {
        "type": "object",
        "description": "Bad input: either an Error, or field names (non_field_errors for the "
        "whole body) mapped to their messages.",
        "properties": {
            "detail": {"type": "string", "description": "translated message"},
            "code": {"type": "string", "description": "stable error code"},
        },
        "additionalProperties": True,
    },
}

_DESCRIPTIONS = {
    "400": _("Bad input (field messages), or a rule refused it (code and message)"),
    "401": _("Not signed in: no valid token or session"),
    "403": _("Not allowed for this user (or the initial password must be changed first)"),
    "404": _("Not found, out of the user's scope, or a page past the end"),
    "409": _("Conflict: the object changed (stale version) or is no longer in that state"),
    "415": _("The body's Content-Type is not one the operation takes"),
    "429": _("Too many requests: wait for the number of seconds in Retry-After"),
}

_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema with the error responses of each operation."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for status in self.error_statuses(operation):
            if status not in responses:
                component = self._error_component(VALIDATION_ERROR if status == "400" else ERROR)
                responses[status] = {
                    "content": {"application/json": {"schema": component.ref}},
                    "description": _DESCRIPTIONS[status],
                }
        return operation

    def error_statuses(self, operation) -> list[str]:
        """The error statuses this operation can answer, by what it takes and who may call it."""
        parameters = operation.get("parameters", [])
        takes_input = self.method in _UNSAFE or any(p["in"] == "query" for p in parameters)
        statuses = []
        if takes_input:
            statuses.append("400")
        if self.view.authentication_classes:
            statuses.append("401")  # a bad token is refused even where no sign-in is needed
        if self.view.permission_classes:
            statuses.append("403")
        # path ids out of scope; lists: a page past the end; filters: an id out of scope
        if parameters:
            statuses.append("404")
        # a change to an existing object: it may have moved on since the client read it
        if self.method in _UNSAFE and any(p["in"] == "path" for p in parameters):
            statuses.append("409")
        if "requestBody" in operation:
            statuses.append("415")  # a body without a Content-Type, or of another type
        if self.view.throttle_classes:
            statuses.append("429")
        return statuses

    def _error_component(self, name):
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=_SCHEMAS[name]
        )
        self.registry.register_on_missing(component)
        return component
