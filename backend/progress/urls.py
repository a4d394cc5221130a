from django.urls import path
from rest_framework.routers import DefaultRouter

from progress import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("self-assessments", views.SelfAssessmentViewSet, basename="self-assessment")

urlpatterns = [
    path("providers/me/progress/", views.MyProgressView.as_view(), name="my-progress"),
    path(
        "providers/<int:pk>/progress/",
        views.ProviderProgressView.as_view(),
        name="provider-progress",
    ),
    *router.urls,
]
