"""The one error format: FastAPI's `{"detail": ...}` with the right status code.

An error a person may meet in the apps also carries a stable `code` and its `params`
(`{"detail": "...", "code": "email_taken", "params": {}}`): the apps word it in the user's
language, the English `detail` is for API users and logs."""

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

Params = dict[str, str | int]


class AppError(HTTPException):
    status_code = 400

    def __init__(
        self,
        detail: str,
        headers: dict[str, str] | None = None,
        *,
        code: str | None = None,
        params: Params | None = None,
    ) -> None:
        super().__init__(status_code=self.status_code, detail=detail, headers=headers)
        self.code = code
        self.params = params or {}


class BadRequest(AppError):
    status_code = 400


class Unauthorized(AppError):
    status_code = 401

    def __init__(self, detail: str = "Not authenticated", *, code: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"}, code=code)


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

    def __init__(self, detail: str, retry_after: int, *, code: str | None = None) -> None:
        super().__init__(
            detail,
            headers={"Retry-After": str(retry_after)},
            code=code,
            params={"seconds": retry_after},
        )


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


async def _app_error(request: Request, error: Exception) -> JSONResponse:
    """FastAPI's answer for an HTTPException, plus `code` and `params` when the error has them."""
    assert isinstance(error, AppError)
    body: dict[str, object] = {"detail": error.detail}
    if error.code:
        body |= {"code": error.code, "params": error.params}
    return JSONResponse(body, status_code=error.status_code, headers=error.headers)


def install_error_codes(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
