"""The error every service raises for bad input: a stable code and a translated message."""


class DomainError(Exception):
    """A business rule refused the request; nothing was written.

    ``code`` is stable for programs, ``message`` is translated for people, ``extra`` carries
    structured details (e.g. the unknown unit names of an import).
    """

    status = 400

    def __init__(self, code: str, message, **extra):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.extra = extra


class NotAllowed(DomainError):
    """The user may not do this here (e.g. import into a jurisdiction they do not supervise)."""

    status = 403


class Conflict(DomainError):
    """The object changed under the request: a stale version, or a state it no longer has."""

    status = 409
