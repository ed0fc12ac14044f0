"""The one error format: FastAPI's `{"detail": ...}` with the right status code."""

from fastapi import HTTPException
from fastapi.exceptions import RequestValidationError


class AppError(HTTPException):
    status_code = 400

    def __init__(self, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code=self.status_code, detail=detail, headers=headers)


class BadRequest(AppError):
    status_code = 400


class Unauthorized(AppError):
    status_code = 401

    def __init__(self, detail: str = "Not authenticated") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(AppError):
    status_code = 403


class NotFound(AppError):
    status_code = 404


class Conflict(AppError):
    status_code = 409


class PayloadTooLarge(AppError):
    status_code = 413


class UnsupportedMediaType(AppError):
    status_code = 415


class TooManyRequests(AppError):
    status_code = 429

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


class ServiceUnavailable(AppError):
    status_code = 503


def unprocessable(problems: list[tuple[str, str, object]]) -> RequestValidationError:
    """A 422 shaped like FastAPI's own validation errors, for checks that need the database:
    one `(field, message, input)` entry per body field named."""
    return RequestValidationError(
        [
            {"type": "value_error", "loc": ("body", field), "msg": message, "input": value}
            for field, message, value in problems
        ]
    )
