"""The one django-ninja API object, mounted at /api/v1/.

Each app that offers resources keeps them in its own `api.py` as a `ninja.Router` and is added
here, so a newcomer finds the meeting-day sync beside the meeting code and the loans beside the
ledger, while the schema, authentication and error format stay in one place.
"""

from ninja import NinjaAPI

from . import errors
from .auth import PerToken, auth

# Every operation can answer these; the schema says so once here instead of in each router, and
# says that they come as problem details.
_PROBLEMS = {
    "400": "Malformed body",
    "401": "Missing, unknown, revoked or expired token",
    "403": "Not allowed (role, read-only token, CSRF)",
    "404": "Nothing with this id is visible to you",
    "422": "A field is not valid; errors[] names it",
    "429": "Too many requests for this token; see Retry-After",
}


class ISHCApi(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in (
            errors.Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            .pop("$defs", {})
            .items()
        ):
            components[name] = definition
        components["Problem"] = {
            k: v
            for k, v in errors.Problem.model_json_schema(
                ref_template="#/components/schemas/{model}"
            ).items()
            if k != "$defs"
        }
        ref = {"$ref": "#/components/schemas/Problem"}
        for path in schema["paths"].values():
            for operation in path.values():
                responses = operation.setdefault("responses", {})
                for status, description in _PROBLEMS.items():
                    responses.setdefault(status, {"description": description})
                    responses[status]["content"] = {errors.CONTENT_TYPE: {"schema": ref}}
        return schema


api = ISHCApi(
    title="ISHC API",
    version="1",
    urls_namespace="api-v1",
    description=(
        "Câu lạc bộ liên thế hệ tự giúp nhau — API v1. Authenticate with "
        "`Authorization: Bearer <token>` (tokens are made on your profile page) or the web "
        "session. You see and change exactly what the web lets you. Errors are RFC 9457 "
        "problem details. See docs/api.md."
    ),
    auth=auth,
    throttle=PerToken(),
)
errors.install(api)


def _add_routers() -> None:
    from ishc.activities.api import router as activities
    from ishc.activities.meetingday_api import router as meeting_day
    from ishc.clubs.api import router as clubs
    from ishc.finance.api import router as finance
    from ishc.geo.api import router as geo
    from ishc.indicators.api import router as indicators
    from ishc.reports.api import router as reports

    api.add_router("/units", geo)
    api.add_router("/", clubs)
    api.add_router("/", finance)
    api.add_router("/", activities)
    api.add_router("/reports", reports)
    api.add_router("/indicators", indicators)
    api.add_router("/meeting-day", meeting_day)


_add_routers()
