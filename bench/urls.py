"""The API, and the floor: a bare Django view answering a fixed ~50-row JSON."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import urlpatterns as api_urlpatterns

ROWS = [
    {
        "id": n,
        "code": f"MODULE-{n}",
        "title": f"Atelier numérique {n}",
        "format": "workshop",
        "duration_hours": 3.0,
        "price": 40.0,
        "is_active": True,
    }
    for n in range(1, 51)
]


def floor(request: HttpRequest) -> JsonResponse:
    """What Django itself costs for a small JSON answer: no database, no framework."""
    return JsonResponse({"count": len(ROWS), "results": ROWS})


urlpatterns = [path("bench/floor/", floor), *api_urlpatterns]
