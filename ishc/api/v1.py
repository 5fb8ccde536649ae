"""The one django-ninja API object, mounted at /api/v1/.

Each app that offers resources keeps them in its own `api.py` as a `ninja.Router` and is added
here, so a newcomer finds the meeting-day sync beside the meeting code and the loans beside the
ledger, while the schema, authentication and error format stay in one place.
"""

from ninja import NinjaAPI

api = NinjaAPI(
    title="ISHC API",
    version="1",
    urls_namespace="api-v1",
    description="Câu lạc bộ liên thế hệ tự giúp nhau — API v1.",
)

# Imported after `api` exists: the routers are the apps' own modules.
from ishc.activities.api import router as meeting_day_router  # noqa: E402

api.add_router("/meeting-day/", meeting_day_router)
